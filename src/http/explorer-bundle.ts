import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

/** Where the explorer's files are served from (same origin as the API). */
export const EXPLORER_PREFIX = '/graphiql/';

export interface ExplorerFile {
  readonly body: Buffer;
  readonly contentType: string;
  /** The body gzipped, for text (scripts, styles, SVG); fonts are compressed already. */
  readonly gzipped?: Buffer;
}

/** GraphiQL and its startup code, bundled: files by name, and the names the page refers to. */
export interface ExplorerBundle {
  readonly files: ReadonlyMap<string, ExplorerFile>;
  readonly script: string;
  readonly style: string;
  /** Monaco's web workers by the label Monaco asks for ('editorWorkerService', 'json', 'graphql'). */
  readonly workers: Readonly<Record<string, string>>;
}

/**
 * The page's own startup code (served as a file: the page has no inline script). Monaco runs its
 * language services in web workers, which Monaco asks for by label; their bundled URLs come from the
 * page's `data-workers`. The fetcher is GraphQL over HTTP to this origin's /graphql.
 */
const STARTUP = `
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import 'mentor-explorer:page.css';

const workers = JSON.parse(document.documentElement.dataset.workers);
globalThis.MonacoEnvironment = {
  getWorker: (_id, label) => new Worker(workers[label] ?? workers.editorWorkerService, { type: 'module', name: label }),
};

async function fetcher(params, options) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { ...options?.headers, 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify(params),
  });
  return response.json();
}

createRoot(document.getElementById('graphiql')).render(createElement(GraphiQL, { fetcher }));
`;

const PAGE_CSS = `html, body, #graphiql { height: 100%; margin: 0; }`;

/** Virtual modules: the entry points' code, resolved from where GraphiQL's own packages are installed. */
const MODULES: Record<string, { contents: string; loader: 'js' | 'css' }> = {
  explorer: { contents: STARTUP, loader: 'js' },
  'page.css': { contents: PAGE_CSS, loader: 'css' },
  'editor.worker': { contents: `import 'monaco-editor/esm/vs/editor/editor.worker.js';`, loader: 'js' },
  'json.worker': { contents: `import 'monaco-editor/esm/vs/language/json/json.worker.js';`, loader: 'js' },
  'graphql.worker': { contents: `import 'monaco-graphql/esm/graphql.worker.js';`, loader: 'js' },
};

const WORKER_LABELS: Record<string, string> = { 'editor.worker': 'editorWorkerService', 'json.worker': 'json', 'graphql.worker': 'graphql' };

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
};

const COMPRESSIBLE = /^(text\/|image\/svg)/;

/** Node's async gzip: about 7 MB to compress, on the thread pool rather than the event loop. */
const gzipAsync = promisify(gzip);

/** The bundle with its text files gzipped once (served to clients that accept gzip). */
export async function withGzip(bundle: ExplorerBundle): Promise<ExplorerBundle> {
  const files = new Map<string, ExplorerFile>();
  for (const [name, file] of bundle.files) files.set(name, COMPRESSIBLE.test(file.contentType) ? { ...file, gzipped: await gzipAsync(file.body) } : file);
  return { ...bundle, files };
}

/** The packages' directory GraphiQL's imports resolve from (monaco-editor is @graphiql/react's dependency, not ours). */
function graphiqlReactDir(): string {
  const graphiql = path.dirname(require.resolve('graphiql/package.json'));
  return path.dirname(require.resolve('@graphiql/react/package.json', { paths: [graphiql] }));
}

function virtualModules(resolveDir: string): Plugin {
  return {
    name: 'mentor-explorer',
    setup(plugin) {
      plugin.onResolve({ filter: /^mentor-explorer:/ }, args => ({ path: args.path.slice('mentor-explorer:'.length), namespace: 'mentor-explorer' }));
      plugin.onLoad({ filter: /.*/, namespace: 'mentor-explorer' }, args => ({ ...MODULES[args.path], resolveDir }));
    },
  };
}

/**
 * Bundles GraphiQL from the installed npm packages (dependencies, so `npm ci --omit=dev` has them)
 * with esbuild, in memory (`npm run build` writes the result to dist/graphiql: explorer-build.ts). Names carry a hash of their content: the same packages give the same
 * names in every process, and a browser may keep them for ever.
 */
export async function bundleExplorer(): Promise<ExplorerBundle> {
  const outdir = path.join(__dirname, 'graphiql-out');
  const result = await build({
    entryPoints: Object.keys(WORKER_LABELS).concat('explorer').map(name => ({ in: `mentor-explorer:${name}`, out: name })),
    plugins: [virtualModules(graphiqlReactDir())],
    bundle: true,
    write: false,
    outdir,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    publicPath: EXPLORER_PREFIX.replace(/\/$/, ''),
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    logLevel: 'silent',
  });
  const files = new Map<string, ExplorerFile>();
  for (const output of result.outputFiles) {
    const name = path.basename(output.path);
    files.set(name, { body: Buffer.from(output.contents), contentType: CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream' });
  }
  const urlOf = (output: string) => EXPLORER_PREFIX + path.basename(output);
  const workers: Record<string, string> = {};
  let script = '';
  let style = '';
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    const entry = meta.entryPoint?.replace(/^mentor-explorer:/, '');
    if (entry === undefined) continue;
    if (entry === 'explorer') {
      script = urlOf(output);
      if (meta.cssBundle) style = urlOf(meta.cssBundle);
    } else if (WORKER_LABELS[entry]) workers[WORKER_LABELS[entry]] = urlOf(output);
  }
  if (!script || !style || Object.keys(workers).length !== Object.keys(WORKER_LABELS).length) throw new Error('GraphiQL bundle: an entry point produced no file');
  return { files, script, style, workers };
}
