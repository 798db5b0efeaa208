import http from 'node:http';
import https from 'node:https';
import type { CheckedTarget } from './webhook-address';

export interface PostLimits {
  /** From the start (name resolution included) until the TCP connection is open. */
  connectTimeoutMs: number;
  /** From the start until the response has been read (or cut at `maxResponseBytes`). */
  totalTimeoutMs: number;
  maxResponseBytes: number;
}

export const WEBHOOK_LIMITS: PostLimits = Object.freeze({ connectTimeoutMs: 5_000, totalTimeoutMs: 15_000, maxResponseBytes: 64 * 1024 });

export interface PostResult {
  status: number;
  /** At most `maxResponseBytes` of it, as UTF-8. */
  body: string;
}

/** A request that got no HTTP answer: refused, timed out, aborted. */
export class NoResponse extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoResponse';
  }
}

/**
 * POSTs `body` to the checked address of `target` (never resolving its name again: see
 * `checkWebhookTarget`), the URL's host still named in the Host header and as the TLS server
 * name, so that its certificate is checked against it. No connection is reused (`agent: false`).
 */
export function postWebhook(target: CheckedTarget, headers: Record<string, string>, body: string, limits: PostLimits, signal: AbortSignal): Promise<PostResult> {
  const { url } = target;
  const secure = url.protocol === 'https:';
  return new Promise<PostResult>((resolve, reject) => {
    if (signal.aborted) return reject(new NoResponse('arrêt du serveur : requête abandonnée'));
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (error: Error | null, result?: PostResult) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      request.destroy();
      if (error) reject(error);
      else resolve(result!);
    };
    const options: https.RequestOptions = {
      method: 'POST',
      host: target.address,
      family: target.family,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers: { ...headers, host: url.host, 'content-length': String(Buffer.byteLength(body)) },
      agent: false,
      ...(secure && { servername: target.hostname }),
    };
    const request = (secure ? https : http).request(options, response => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => finish(null, { status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      response.on('data', (chunk: Buffer) => {
        const room = limits.maxResponseBytes - size;
        chunks.push(chunk.subarray(0, room));
        size += Math.min(chunk.length, room);
        // Enough read: the rest is not waited for.
        if (size >= limits.maxResponseBytes) done();
      });
      response.on('end', done);
      response.on('error', error => finish(new NoResponse(`réponse interrompue : ${error.message}`)));
    });
    const onAbort = () => finish(new NoResponse('arrêt du serveur : requête abandonnée'));
    signal.addEventListener('abort', onAbort);
    timers.push(setTimeout(() => finish(new NoResponse(`pas de connexion en ${limits.connectTimeoutMs / 1000} s`)), limits.connectTimeoutMs));
    timers.push(setTimeout(() => finish(new NoResponse(`pas de réponse complète en ${limits.totalTimeoutMs / 1000} s`)), limits.totalTimeoutMs));
    request.on('socket', socket => {
      socket.once('connect', () => clearTimeout(timers[0]));
    });
    request.on('error', error => finish(new NoResponse(`connexion impossible : ${error.message}`)));
    request.end(body);
  });
}
