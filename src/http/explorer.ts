import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { HttpRoute } from './http-route';
import { bundleExplorer, EXPLORER_PREFIX, withGzip, type ExplorerBundle } from './explorer-bundle';
import { PREBUILT_EXPLORER_DIR, readExplorerBuild } from './explorer-build';
import { HttpError } from './request-body';

/**
 * Nothing external: scripts, styles, fonts, images, workers and requests from this origin only.
 * `style-src 'unsafe-inline'` is what GraphiQL 5 strictly needs: its editor, Monaco, writes
 * `<style>` elements at run time (theme colours, decorations) and renders each line as HTML with a
 * `style="top:…px"` attribute; CSP has no nonce or hash for either (microsoft/monaco-editor#271).
 * Scripts stay 'self' only, so an injected style cannot run code. Workers fall back to script-src.
 */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function secureHeaders(res: ServerResponse): void {
  res.setHeader('content-security-policy', EXPLORER_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function pageOf(bundle: ExplorerBundle): string {
  return `<!doctype html>
<html lang="fr" data-workers="${escapeAttribute(JSON.stringify(bundle.workers))}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mentor · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeAttribute(bundle.style)}">
<script type="module" src="${escapeAttribute(bundle.script)}"></script>
</head>
<body><div id="graphiql">Chargement de GraphiQL…</div></body>
</html>
`;
}

/** A browser's visit to /graphql (HTML wanted, no query): the explorer, not a GraphQL request. */
export function wantsExplorer(req: IncomingMessage): boolean {
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  return req.method === 'GET' && !query.has('query') && /\btext\/html\b/i.test(req.headers.accept ?? '');
}

export interface Explorer {
  /** Answers the page (after the bundle, when it is made in memory). */
  servePage(res: ServerResponse): Promise<void>;
  /** `GET /graphiql/<name>-<hash>.<ext>`: the bundle's files. */
  readonly assetRoute: HttpRoute;
}

export interface ExplorerOptions {
  /** Where `npm run build` wrote the bundle (dist/graphiql by default). */
  prebuiltDir?: string;
  /** How to bundle when nothing was prebuilt (in memory, with esbuild, by default). */
  bundle?: () => Promise<ExplorerBundle>;
}

/**
 * GraphiQL served by the API itself, under content-hashed names, from memory (about 7 MB, with
 * gzipped copies): the files `npm run build` wrote, read at start; from the TypeScript sources
 * (Jest), where there are none, bundled in memory on the first visit.
 */
export async function createExplorer(log: Logger, options: ExplorerOptions = {}): Promise<Explorer> {
  const dir = options.prebuiltDir ?? PREBUILT_EXPLORER_DIR;
  const prebuilt = await readExplorerBuild(dir);
  if (prebuilt) log.debug({ dir, files: prebuilt.files.size }, 'GraphiQL: prebuilt files');
  else log.debug({ dir }, 'GraphiQL: nothing prebuilt, bundled in memory on the first visit');

  const servedOf = (bundle: ExplorerBundle) => ({ files: bundle.files, page: Buffer.from(pageOf(bundle)) });
  const bundleInMemory = async () => {
    const started = Date.now();
    const bundle = await withGzip(await (options.bundle ?? bundleExplorer)());
    log.info({ durationMs: Date.now() - started, files: bundle.files.size }, 'GraphiQL bundled in memory');
    return servedOf(bundle);
  };
  let served = prebuilt ? Promise.resolve(servedOf(prebuilt)) : null;
  const ready = async () => {
    // A failed bundle is kept as it is, not retried on every visit (4 s of CPU each): a restart tries again.
    served ??= bundleInMemory().catch((error: unknown) => {
      log.error({ err: error }, 'GraphiQL could not be bundled');
      throw error;
    });
    try {
      return await served;
    } catch {
      throw new HttpError(503, 'GraphiQL is unavailable: its bundle failed (see the server log)', 'SERVICE_UNAVAILABLE');
    }
  };

  return {
    async servePage(res) {
      const { page } = await ready();
      secureHeaders(res);
      res.setHeader('content-type', 'text/html; charset=utf-8');
      // The page names the current bundle: always asked again (the files themselves are cached for ever).
      res.setHeader('cache-control', 'no-cache');
      res.end(page);
    },
    assetRoute: {
      method: 'GET',
      path: new RegExp(`^${EXPLORER_PREFIX}([\\w.-]+)$`),
      points: 0,
      async handle({ req, res, params: [name] }) {
        const file = (await ready()).files.get(name);
        if (!file) throw new HttpError(404, 'No such explorer file');
        secureHeaders(res);
        res.setHeader('content-type', file.contentType);
        // Named by a hash of their content: a new bundle has new names.
        res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        res.setHeader('vary', 'accept-encoding');
        const gzipped = /\bgzip\b/.test(req.headers['accept-encoding']?.toString() ?? '') ? file.gzipped : undefined;
        if (gzipped) res.setHeader('content-encoding', 'gzip');
        const body = gzipped ?? file.body;
        res.setHeader('content-length', body.length);
        res.end(body);
      },
    },
  };
}
