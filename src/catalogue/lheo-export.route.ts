import type { ServerResponse } from 'node:http';
import type { ReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Context } from '../context';
import type { HttpRoute } from '../http/http-route';
import { writeAtClientPace } from '../http/paced-write';
import { HttpError } from '../http/request-body';
import { lheoDocument, lheoEtag } from './lheo-export';
import type { LheoFileCache } from './lheo-file-cache';

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

/** The kept document, at the client's pace; a client that leaves is no failure. */
async function sendKept(document: ReadStream, res: ServerResponse): Promise<void> {
  try {
    await pipeline(document, res);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  }
}

/**
 * The document read from the database, batch by batch, written to the client and to the cache's
 * file alike. The file is kept only if the catalogue's state is the same once it is written: a
 * change during a long export shows in it partly (see `lheoDocument`), which must not outlive it.
 */
async function buildAndKeep(ctx: Context, res: ServerResponse, etag: string, cache: LheoFileCache): Promise<void> {
  const pending = await cache.create(etag, ctx.log);
  try {
    for await (const chunk of lheoDocument({ db: ctx.db, appUrl: ctx.appUrl })) {
      if (res.destroyed) return; // the client left: read no further, keep nothing
      await pending.write(chunk);
      if (!(await writeAtClientPace(res, chunk))) return;
    }
    if ((await lheoEtag(ctx.db, ctx.appUrl)) === etag) await pending.keep();
    res.end();
  } catch (error) {
    // Part of the document is sent: end the connection without the final chunk, so that the client
    // sees a failed transfer rather than a complete, truncated catalogue.
    if (res.headersSent) res.destroy();
    throw error;
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
    const [{ published }]: { published: boolean }[] = await ctx.db.query(`SELECT EXISTS (SELECT 1 FROM training WHERE status = 'PUBLISHED') AS published`);
    if (!published) throw new HttpError(404, 'Aucune formation publiée : pas de catalogue LHEO à exporter (le format exige au moins une formation).');
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
    if (kept) return sendKept(kept, res);
    return buildAndKeep(ctx, res, etag, cache);
  },
});
