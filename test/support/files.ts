import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { bearer } from './people';
import type { TestApp } from './test-app';

export const KIB = 1024;
export const MIB = 1024 * KIB;

export interface Uploaded {
  id: string;
  name: string;
  mimeType: string;
  size: number;
  sha256: string;
}

export interface HttpAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** `POST /files` with the raw body; the name percent-encoded in X-File-Name. */
export async function uploadRaw(api: TestApp, token: string | null, bytes: Buffer, name: string, type = 'application/octet-stream'): Promise<HttpAnswer> {
  const response = await fetch(`${api.origin}/files`, {
    method: 'POST',
    headers: { 'content-type': type, 'x-file-name': encodeURIComponent(name), ...bearer(token) },
    body: bytes,
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** `POST /files` as a browser's form would send it: multipart/form-data, one file part. */
export async function uploadForm(api: TestApp, token: string | null, bytes: Buffer, name: string, type: string): Promise<HttpAnswer> {
  const form = new FormData();
  form.append('description', 'ignoré');
  form.append('fichier', new Blob([bytes], { type }), name);
  const response = await fetch(`${api.origin}/files`, { method: 'POST', headers: bearer(token), body: form });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

export async function download(api: TestApp, token: string | null, id: string, headers: Record<string, string> = {}, method = 'GET'): Promise<HttpAnswer<Buffer>> {
  const response = await fetch(`${api.origin}/files/${id}`, { method, headers: { ...bearer(token), ...headers } });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

export interface RawExchange {
  /** The answer's status line and headers, lower-cased, and its body as text. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Body bytes the client had written when the answer's headers arrived. */
  sentWhenAnswered: number;
  /** Whether the server closed the connection. */
  closed: boolean;
}

/**
 * One request on a raw socket: the headers, then `body` pieces written one at a time (each after
 * the previous one was flushed) until the server answers. Shows what the server answered and when.
 */
export function rawExchange(
  port: number,
  head: string[],
  options: { body?: AsyncIterable<Buffer> | Iterable<Buffer>; destroyAfterBytes?: number } = {},
): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server did not close the connection: ${received.toString('latin1').slice(0, 500)}`));
    }, 20_000);
    let received = Buffer.alloc(0);
    let sent = 0;
    let sentWhenAnswered = -1;
    let answered = false;
    const parse = (closed: boolean) => {
      const text = received.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`no answer (closed: ${closed}, sent ${sent}): ${text}`));
      const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(lines.map(line => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: received.subarray(Buffer.byteLength(text.slice(0, split + 4), 'latin1')).toString('utf8'), sentWhenAnswered, closed });
    };
    socket.on('data', data => {
      received = Buffer.concat([received, data]);
      const text = received.toString('latin1');
      // A 100 Continue is not the answer.
      const final = text.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
      if (!answered && final.includes('\r\n\r\n')) {
        answered = true;
        sentWhenAnswered = sent;
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      if (options.destroyAfterBytes !== undefined && !answered) return resolve({ status: 0, headers: {}, body: '', sentWhenAnswered: -1, closed: true });
      received = Buffer.from(received.toString('latin1').replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, ''), 'latin1');
      parse(true);
    });
    socket.on('connect', async () => {
      socket.write(`${head.join('\r\n')}\r\n\r\n`);
      if (!options.body) return;
      try {
        for await (const piece of options.body) {
          if (answered || socket.destroyed) return;
          await new Promise<void>(done => socket.write(piece, () => done()));
          sent += piece.length;
          if (options.destroyAfterBytes !== undefined && sent >= options.destroyAfterBytes) {
            socket.destroy();
            return;
          }
          // Lets an answer arrive between pieces, as a client reading while it sends would see it.
          await new Promise(done => setImmediate(done));
        }
      } catch {
        // The server closed the connection: what it answered is read at 'close'.
      }
    });
  });
}

/** `count` pieces of `size` bytes, generated one at a time (no buffer of the whole). */
export function* pieces(count: number, size = 64 * KIB): Generator<Buffer> {
  const block = randomBytes(size);
  for (let index = 0; index < count; index++) yield block;
}

/** A chunked transfer-encoding frame of `data`. */
export const chunkFrame = (data: Buffer) => Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);

/**
 * Streams `total` generated bytes to `POST /files` with backpressure (never holding the whole file),
 * through Node's HTTP client; resolves with the answer.
 */
export function streamUpload(origin: string, token: string, total: number, name: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const block = randomBytes(64 * KIB);
    const req = request(`${origin}/files`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(total), 'x-file-name': encodeURIComponent(name), authorization: `Bearer ${token}` },
    });
    req.on('response', response => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', chunk => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: new Headers(response.headers as Record<string, string>), body: JSON.parse(text) }));
    });
    req.on('error', reject);
    let left = total;
    const write = () => {
      while (left > 0) {
        const piece = left >= block.length ? block : block.subarray(0, left);
        left -= piece.length;
        if (!req.write(piece)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

export interface HeldUpload {
  /** Writes more of the body, resolving once flushed. */
  send(bytes: Buffer): Promise<void>;
  /** The answer's status and JSON body, once the server has sent it. */
  answer: Promise<{ status: number; body: any }>;
}

/** An upload on a raw socket whose body the test sends piece by piece, when it chooses. */
export function heldUpload(port: number, head: string[]): HeldUpload {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(`${head.join('\r\n')}\r\n\r\n`);
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    let received = '';
    socket.on('data', data => {
      received += data.toString('utf8');
      const split = received.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: (\d+)/i.exec(received)?.[1];
      if (split >= 0 && length !== undefined && Buffer.byteLength(received.slice(split + 4)) >= Number(length)) {
        resolve({ status: Number(received.split(' ')[1]), body: JSON.parse(received.slice(split + 4)) });
        socket.end();
      }
    });
    socket.on('close', () => reject(new Error(`closed without a whole answer: ${received}`)));
  });
  answer.catch(() => undefined);
  return { send: bytes => new Promise(resolve => socket.write(bytes, () => resolve())), answer };
}
