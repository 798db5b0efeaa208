import type { ServerResponse } from 'node:http';
import type { Context } from '../context';
import type { HttpRoute } from '../http/http-route';
import { streamToClient } from '../http/stream-to-client';
import { HttpError } from '../http/request-body';
import { hasPublishedTraining, lheoDocument, lheoEtag } from './lheo-export';
import type { LheoFileCache, PendingDocument } from './lheo-file-cache';

/**
 * Public; caches in front may keep it but must ask each time (`If-None-Match`): a change shows at
 * once, and an unchanged catalogue costs them a 304 (two statements, no document read).
 */
const CACHE_CONTROL = 'public, no-cache';

/** If-None-Match matches the tag (RFC 9110 §13.1.2: weak comparison, `*` matches any). */
function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some(candidate => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

/**
 * The chunks of `document` as they pass, written to `pending` too; once the last is written, the
 * file is kept if the catalogue's state is still `etag`'s (a change during a long export shows in
 * it partly, see `lheoDocument`, which must not outlive it), before the response ends.
 */
async function* writtenTo(pending: PendingDocument, document: AsyncIterable<string>, stillCurrent: () => Promise<boolean>): AsyncGenerator<string> {
  for await (const chunk of document) {
    await pending.write(chunk);
    yield chunk;
  }
  if (await stillCurrent()) await pending.keep();
}

/** The document read from the database, batch by batch, sent to the client and written to the cache's file alike. */
async function buildAndKeep(ctx: Context, res: ServerResponse, etag: string, cache: LheoFileCache): Promise<void> {
  const pending = await cache.create(etag, ctx.log);
  // The whole document has been sent by then: a failed check costs the cache, not the answer.
  const stillCurrent = () =>
    lheoEtag(ctx.db, ctx.appUrl).then(
      current => current === etag,
      (error: unknown) => (ctx.log.warn({ err: error }, 'LHEO export not cached: its state could not be checked'), false),
    );
  try {
    await streamToClient(writtenTo(pending, lheoDocument({ db: ctx.db, appUrl: ctx.appUrl }), stillCurrent), res);
  } finally {
    await pending.discard();
  }
}

/**
 * `GET /exports/lheo.xml`: the published catalogue in LHEO 2.3, for anyone (it is public), tagged
 * with an ETag derived from the catalogue's state, so that `If-None-Match` answers 304 until it
 * changes. The first request after a change reads the database and streams the document at the
 * client's pace while `cache` keeps it in a file; the next ones stream that file.
 */
export const lheoExportRoute = (cache: LheoFileCache): HttpRoute => ({
  method: 'GET',
  path: /^\/exports\/lheo\.xml$/,
  async handle({ req, res, context }) {
    const ctx = context();
    // LHEO requires at least one <formation>: an empty catalogue has no valid document.
    if (!(await hasPublishedTraining(ctx.db))) throw new HttpError(404, 'Aucune formation publiée : pas de catalogue LHEO à exporter (le format exige au moins une formation).');
    const etag = await lheoEtag(ctx.db, ctx.appUrl);
    res.setHeader('etag', etag);
    res.setHeader('cache-control', CACHE_CONTROL);
    if (notModified(req.headers['if-none-match'], etag)) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.statusCode = 200;
    res.setHeader('content-type', 'application/xml; charset=utf-8');
    res.setHeader('x-content-type-options', 'nosniff');
    const kept = await cache.open(etag);
    if (kept) await streamToClient(kept, res);
    else await buildAndKeep(ctx, res, etag, cache);
  },
});
