import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { HttpError } from '../http/request-body';
import type { IncomingFile } from './file-upload.service';

export interface MultipartFile {
  file: IncomingFile;
  /** Stops reading the form (a refusal): the request is left unread, for the answer to close the connection. */
  stop(): void;
}

/**
 * The one file part of a `multipart/form-data` request, streamed (busboy): resolves at the part's
 * headers. Its body ends only once the whole form is read, and fails if the form holds a second
 * file or is malformed, so that such an upload is refused before it is stored. Other fields are ignored.
 */
export function multipartFile(req: IncomingMessage): Promise<MultipartFile> {
  return new Promise((resolve, reject) => {
    let form: busboy.Busboy;
    try {
      // Browsers send file names as raw UTF-8 in `filename="…"`; busboy would read them as latin1.
      form = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, parts: 50, fieldSize: 64 * 1024 } });
    } catch {
      reject(new HttpError(400, 'Formulaire multipart/form-data mal formé (boundary manquant ?).'));
      return;
    }
    let fileStream: Readable | null = null;
    let refusal: HttpError | null = null;
    const malformed = () => new HttpError(400, 'Formulaire multipart/form-data mal formé ou incomplet.');
    const ended = new Promise<void>((done, fail) => {
      form.on('close', () => (refusal ? fail(refusal) : done()));
      form.on('error', () => {
        refusal ??= malformed();
        fileStream?.destroy(refusal);
        fail(refusal);
        reject(refusal);
      });
    });
    ended.catch(() => undefined);
    form.on('filesLimit', () => {
      refusal ??= new HttpError(400, 'Un seul fichier par envoi.');
    });
    form.once('file', (_field: string, stream: Readable, info: busboy.FileInfo) => {
      fileStream = stream;
      async function* body(): AsyncGenerator<Buffer> {
        // Not destroyed on a refusal: busboy would take it for a broken form.
        for await (const piece of stream.iterator({ destroyOnReturn: false })) yield piece as Buffer;
        await ended;
      }
      resolve({ file: { name: info.filename ?? '', type: info.mimeType, body: body() }, stop });
    });
    form.on('close', () => reject(refusal ?? new HttpError(400, 'Aucun fichier dans le formulaire : une partie avec un nom de fichier (filename) est attendue.')));
    // A client gone mid-form: busboy would wait for the rest for ever.
    req.on('close', () => {
      if (!req.complete) form.destroy(new Error('upload aborted by the client'));
    });
    req.pipe(form);

    function stop() {
      req.unpipe(form);
      form.destroy();
    }
  });
}
