import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import type { HttpRoute } from './http-route';
import { bundleExplorer, EXPLORER_PREFIX, type ExplorerBundle, type ExplorerFile } from './explorer-bundle';
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

const COMPRESSIBLE = /^(text\/|image\/svg)/;

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
  /** Answers the page (bundling GraphiQL on the first visit). */
  servePage(res: ServerResponse): Promise<void>;
  /** `GET /graphiql/<name>-<hash>.<ext>`: the bundle's files. */
  readonly assetRoute: HttpRoute;
}

/**
 * GraphiQL served by the API itself: bundled from npm packages on the first visit, kept in this
 * process's memory (about 7 MB, gzipped once), and served under content-hashed names.
 */
export function createExplorer(log: Logger): Explorer {
  let bundled: Promise<{ bundle: ExplorerBundle; page: Buffer; gzipped: Map<string, Buffer> }> | null = null;
  const ready = () => {
    bundled ??= (async () => {
      const started = Date.now();
      const bundle = await bundleExplorer();
      const gzipped = new Map<string, Buffer>();
      for (const [name, file] of bundle.files) if (COMPRESSIBLE.test(file.contentType)) gzipped.set(name, gzipSync(file.body));
      log.info({ durationMs: Date.now() - started, files: bundle.files.size }, 'GraphiQL bundled');
      return { bundle, page: Buffer.from(pageOf(bundle)), gzipped };
    })().catch((error: unknown) => {
      bundled = null; // the next visit tries again
      throw error;
    });
    return bundled;
  };

  const sendFile = (req: IncomingMessage, res: ServerResponse, file: ExplorerFile, gzipped: Buffer | undefined) => {
    secureHeaders(res);
    res.setHeader('content-type', file.contentType);
    // Named by a hash of their content: a new bundle has new names.
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    res.setHeader('vary', 'accept-encoding');
    const gzip = gzipped !== undefined && /\bgzip\b/.test(req.headers['accept-encoding']?.toString() ?? '');
    if (gzip) res.setHeader('content-encoding', 'gzip');
    const body = gzip ? gzipped : file.body;
    res.setHeader('content-length', body.length);
    res.end(body);
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
      async handle({ req, res, params: [name] }) {
        const { bundle, gzipped } = await ready();
        const file = bundle.files.get(name);
        if (!file) throw new HttpError(404, 'No such explorer file');
        sendFile(req, res, file, gzipped.get(name));
      },
    },
  };
}
