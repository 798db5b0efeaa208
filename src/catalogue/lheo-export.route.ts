import type { ServerResponse } from 'node:http';
import type { HttpRoute } from '../http/http-route';
import { HttpError } from '../http/request-body';
import { lheoDocument, lheoEtag } from './lheo-export';

/** Public catalogue data, as the GraphQL catalogue types allow (60 s); revalidating costs one statement. */
const CACHE_CONTROL = 'public, max-age=60';

/** If-None-Match matches the tag (RFC 9110 §13.1.2: weak comparison, `*` matches any). */
function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some(candidate => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

/** Resolves once the response may take more (or is gone: then the caller stops). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise(resolve => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * `GET /exports/lheo.xml`: the published catalogue in LHEO 2.3, for anyone (it is public). Written
 * as it is read, in batches of trainings, at the pace the client takes it; tagged with an ETag
 * derived from the catalogue's version, so that `If-None-Match` answers 304 until it changes.
 */
export const lheoExportRoute: HttpRoute = {
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
    try {
      for await (const chunk of lheoDocument({ db: ctx.db, partners: ctx.loaders.partnerById, appUrl: ctx.appUrl })) {
        if (res.destroyed) return; // the client left: read no further
        if (!res.write(chunk)) await drained(res);
      }
      res.end();
    } catch (error) {
      // Part of the document is sent: end the connection without the final chunk, so that the client
      // sees a failed transfer rather than a complete, truncated catalogue.
      if (res.headersSent) res.destroy();
      throw error;
    }
  },
};
