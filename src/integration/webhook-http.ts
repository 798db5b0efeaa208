import http from 'node:http';
import https from 'node:https';
import { checkWebhookTarget, type AddressPolicy, type CheckedTarget, type Resolver } from './webhook-address';

/** One attempt's limits, all counted from its start: before the URL's name is resolved. */
export interface PostLimits {
  /** Until the TCP connection is open: name resolution and TCP connect (not the TLS handshake, which counts in the total). */
  connectTimeoutMs: number;
  /** Until the response has been read (or cut at `maxResponseBytes`): resolution, connection, request and response. */
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

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * One delivery attempt on one clock: the URL checked as `policy` says, its name resolved again
 * (DNS rebinding: what was public at creation may not be now), then POSTed to the address checked.
 * The limits run from before the resolution, so that a slow resolver eats into them rather than
 * adding to them; `stopping` (the process stopping) cuts the attempt short at any point, a pending
 * resolution included. A refused address is an AddressRefused, anything else without an answer a NoResponse.
 */
export async function sendWebhook(request: WebhookRequest, policy: AddressPolicy, resolve: Resolver, limits: PostLimits, stopping: AbortSignal): Promise<PostResult> {
  const attempt = new AbortController();
  const cut = (reason: string) => attempt.abort(new NoResponse(reason));
  const onStop = () => cut('arrêt du serveur : requête abandonnée');
  if (stopping.aborted) onStop();
  stopping.addEventListener('abort', onStop);
  const connectTimer = setTimeout(() => cut(`pas de connexion en ${limits.connectTimeoutMs / 1000} s`), limits.connectTimeoutMs);
  const totalTimer = setTimeout(() => cut(`pas de réponse complète en ${limits.totalTimeoutMs / 1000} s`), limits.totalTimeoutMs);
  try {
    const target = await checkWebhookTarget(request.url, policy, resolve, attempt.signal);
    return await postWebhook(target, request, limits.maxResponseBytes, attempt.signal, () => clearTimeout(connectTimer));
  } finally {
    clearTimeout(connectTimer);
    clearTimeout(totalTimer);
    stopping.removeEventListener('abort', onStop);
  }
}

/**
 * POSTs the body to the checked address of `target` (never resolving its name again), the URL's
 * host still named in the Host header and as the TLS server name, so that its certificate is
 * checked against it. No connection is reused (`agent: false`). `signal` ends it, its reason
 * (a NoResponse) the error; `connected` is told when the TCP connection opens.
 */
function postWebhook(target: CheckedTarget, request: WebhookRequest, maxResponseBytes: number, signal: AbortSignal, connected: () => void): Promise<PostResult> {
  const { url } = target;
  const secure = url.protocol === 'https:';
  return new Promise<PostResult>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    let settled = false;
    const finish = (error: Error | null, result?: PostResult) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      outgoing.destroy();
      if (error) reject(error);
      else resolve(result!);
    };
    const options: https.RequestOptions = {
      method: 'POST',
      host: target.address,
      family: target.family,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers: { ...request.headers, host: url.host, 'content-length': String(Buffer.byteLength(request.body)) },
      agent: false,
      ...(secure && { servername: target.hostname }),
    };
    const outgoing = (secure ? https : http).request(options, response => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => finish(null, { status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      response.on('data', (chunk: Buffer) => {
        const room = maxResponseBytes - size;
        chunks.push(chunk.subarray(0, room));
        size += Math.min(chunk.length, room);
        // Enough read: the rest is not waited for.
        if (size >= maxResponseBytes) done();
      });
      response.on('end', done);
      response.on('error', error => finish(new NoResponse(`réponse interrompue : ${error.message}`)));
    });
    const onAbort = () => finish(signal.reason as Error);
    signal.addEventListener('abort', onAbort);
    outgoing.on('socket', socket => socket.once('connect', connected));
    outgoing.on('error', error => finish(new NoResponse(`connexion impossible : ${error.message}`)));
    outgoing.end(request.body);
  });
}
