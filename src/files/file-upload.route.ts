import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRoute } from '../http/http-route';
import { closeAfterAnswer } from '../http/lingering-close';
import { HttpError } from '../http/request-body';
import { DomainError } from '../graphql/errors';
import { fileOwnerOf } from './file-rights';
import { fileSettingsOf } from './file-settings';
import { refuseOversize, storeUpload, uploadRoom, type IncomingFile } from './file-upload.service';
import { multipartFile } from './multipart-file';

/** What a multipart body may add to its file (boundaries, part headers) before its declared length alone refuses it. */
const MULTIPART_OVERHEAD = 16 * 1024;

/** `X-File-Name`: UTF-8, percent-encoded (raw UTF-8 bytes, which Node reads as latin1, are taken too). */
function headerFileName(req: IncomingMessage): string {
  const raw = req.headers['x-file-name'];
  if (typeof raw !== 'string') return '';
  if (/[\u0080-\u00ff]/.test(raw)) return Buffer.from(raw, 'latin1').toString('utf8');
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'X-File-Name : nom de fichier en UTF-8 encodé en pourcentage attendu (encodeURIComponent).');
  }
}

function declaredLength(req: IncomingMessage): number | null {
  const header = req.headers['content-length'];
  return header !== undefined && /^\d+$/.test(header) ? Number(header) : null;
}

const STATUS_OF_REFUSAL: Partial<Record<DomainError['code'], number>> = { FILE_TOO_LARGE: 413, QUOTA_EXCEEDED: 413, TOO_MANY_REQUESTS: 429 };

/** The client hung up before sending its whole body. */
const clientGone = (req: IncomingMessage, res: ServerResponse) => !req.complete && (req.destroyed || res.destroyed);

/**
 * `POST /files`: the signed-in user's upload, as the raw body (`Content-Type`, `X-File-Name`) or a
 * `multipart/form-data` form with one file part; `201 { id, name, mimeType, size, sha256 }`.
 * A declared length over the limit or the free space is refused before the body is read (and
 * before it is sent, for `Expect: 100-continue`); a body that passes it is cut there. Refusals
 * close the connection: the rest of the body is not read.
 */
export const fileUploadRoute: HttpRoute = {
  method: 'POST',
  path: /^\/files$/,
  decidesContinue: true,
  async handle({ req, res, context }) {
    let stop: () => void = () => undefined;
    try {
      const ctx = context();
      const room = await uploadRoom(ctx, fileOwnerOf(ctx.viewer));
      const multipart = /^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '');
      const declared = declaredLength(req);
      if (declared !== null) refuseOversize(room, fileSettingsOf(ctx.db).quotaBytes, multipart ? Math.max(0, declared - MULTIPART_OVERHEAD) : declared);
      const name = multipart ? '' : headerFileName(req);
      // Every refusal the headers allow is made: the client may send.
      if (/^100-continue$/i.test(String(req.headers.expect ?? ''))) res.writeContinue();
      let incoming: IncomingFile;
      if (multipart) {
        const form = await multipartFile(req);
        stop = form.stop;
        incoming = form.file;
      } else {
        incoming = { name, type: req.headers['content-type'], body: req.iterator({ destroyOnReturn: false }) };
      }
      const uploaded = await storeUpload(ctx, room, incoming);
      res.statusCode = 201;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('location', `/files/${uploaded.id}`);
      res.end(JSON.stringify(uploaded));
    } catch (error) {
      stop();
      if (clientGone(req, res)) {
        res.destroy();
        return;
      }
      // The rest of the body stays unread: the connection cannot carry another request.
      closeAfterAnswer(req, res);
      if (error instanceof DomainError) throw new HttpError(STATUS_OF_REFUSAL[error.code] ?? 400, error.message, error.code);
      throw error;
    }
  },
};
