import { Readable } from 'node:stream';
import contentDisposition from 'content-disposition';
import type { HttpRoute, RouteRequest } from '../http/http-route';
import { HttpError } from '../http/request-body';
import { streamToClient } from '../http/stream-to-client';
import { parseRange } from './byte-range';
import { fileOwnerOf } from './file-rights';
import { fileSettingsOf } from './file-settings';
import { findMyFile } from './files.service';
import { CHUNK_BYTES } from './postgres-file-store';

/**
 * `GET /files/:id` (and `HEAD`): the owner's file, as an attachment never rendered by the browser
 * (`nosniff`, a type from the allow-list decided at upload), with single `Range` requests (206, or
 * 416 out of the file). Anyone else gets 404, as for an unknown id; nobody signed in, 401.
 */
async function download({ req, res, params, context }: RouteRequest): Promise<void> {
  const ctx = context();
  fileOwnerOf(ctx.viewer);
  const file = await findMyFile(ctx, params[0]);
  if (!file) throw new HttpError(404, 'Aucun de vos fichiers ne porte cet identifiant.');
  const etag = `"${file.sha256}"`;
  res.setHeader('cache-control', 'private, no-store');
  res.setHeader('accept-ranges', 'bytes');
  // If-Range (RFC 9110 §13.1.5): a range of the version the client holds, else the whole file.
  const ifRange = req.headers['if-range'];
  const asked = ifRange === undefined || ifRange === etag ? parseRange(req.headers.range, file.size) : parseRange(undefined, file.size);
  if (asked.kind === 'unsatisfiable') {
    res.setHeader('content-range', `bytes */${file.size}`);
    throw new HttpError(416, `Plage d’octets hors du fichier (${file.size} octets).`, 'RANGE_NOT_SATISFIABLE');
  }
  res.setHeader('content-disposition', contentDisposition(file.name, { type: 'attachment', fallback: asciiFallback(file.name) }));
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('etag', etag);
  const range = asked.kind === 'partial' ? asked.range : { start: 0, end: file.size - 1 };
  res.statusCode = asked.kind === 'partial' ? 206 : 200;
  res.setHeader('content-type', file.mimeType);
  res.setHeader('content-length', String(range.end - range.start + 1));
  if (asked.kind === 'partial') res.setHeader('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
  if (req.method === 'HEAD' || file.size === 0) {
    res.end();
    return;
  }
  const bytes = Readable.from(exactly(fileSettingsOf(ctx.db).store.read(file.id, range), range.end - range.start + 1), { objectMode: false, highWaterMark: CHUNK_BYTES });
  await streamToClient(bytes, res);
}

/** The store's bytes, failing if they are not as many as announced in Content-Length. */
async function* exactly(source: AsyncIterable<Buffer>, length: number): AsyncGenerator<Buffer> {
  let sent = 0;
  for await (const piece of source) {
    sent += piece.length;
    yield piece;
  }
  if (sent !== length) throw new Error(`file store returned ${sent} bytes of ${length}`);
}

/** RFC 6266's `filename` for clients that ignore `filename*`: accents dropped, other non-ASCII characters as `_`. */
function asciiFallback(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/gu, '_');
}

const FILE_PATH = /^\/files\/([A-Za-z0-9_-]{1,200})$/;

export const fileDownloadRoute: HttpRoute = { method: 'GET', path: FILE_PATH, handle: download };
export const fileHeadRoute: HttpRoute = { method: 'HEAD', path: FILE_PATH, handle: download };
