import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleExplorer, withGzip, type ExplorerBundle, type ExplorerFile } from './explorer-bundle';

/** Where `npm run build` puts the explorer: dist/graphiql, from this file compiled to dist/src/http. */
export const PREBUILT_EXPLORER_DIR = path.join(__dirname, '../../graphiql');

const MANIFEST = 'manifest.json';

/** What the page refers to, and the files served (each beside its `.gz` copy when it has one). */
interface Manifest {
  script: string;
  style: string;
  workers: Record<string, string>;
  files: Record<string, { contentType: string; gzip: boolean }>;
}

/** Writes the bundle to `dir`, replacing what was there; the manifest last, so that a half-written directory has none. */
export async function writeExplorerBuild(bundle: ExplorerBundle, dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const manifest: Manifest = { script: bundle.script, style: bundle.style, workers: { ...bundle.workers }, files: {} };
  for (const [name, file] of bundle.files) {
    await writeFile(path.join(dir, name), file.body);
    if (file.gzipped) await writeFile(path.join(dir, `${name}.gz`), file.gzipped);
    manifest.files[name] = { contentType: file.contentType, gzip: file.gzipped !== undefined };
  }
  await writeFile(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * The bundle `npm run build` wrote to `dir`, or null when there is none (running from the sources,
 * as Jest does). A manifest naming a missing file throws: the build is broken, not absent.
 */
export async function readExplorerBuild(dir: string): Promise<ExplorerBundle | null> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as Manifest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const files = new Map<string, ExplorerFile>();
  for (const [name, { contentType, gzip }] of Object.entries(manifest.files)) {
    const body = await readFile(path.join(dir, name));
    files.set(name, gzip ? { body, contentType, gzipped: await readFile(path.join(dir, `${name}.gz`)) } : { body, contentType });
  }
  return { files, script: manifest.script, style: manifest.style, workers: manifest.workers };
}

if (require.main === module) {
  // `npm run build`, after tsc: the explorer bundled once, so that the server reads it at start.
  void bundleExplorer()
    .then(withGzip)
    .then(bundle => writeExplorerBuild(bundle, PREBUILT_EXPLORER_DIR))
    .then(() => console.log(`wrote ${PREBUILT_EXPLORER_DIR}`))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
