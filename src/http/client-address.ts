import type { IncomingMessage } from 'node:http';

/**
 * The client's address: the socket's, or with `trustedProxies` proxies in front (each appending
 * the address it saw to X-Forwarded-For), the entry the nearest trusted proxy wrote. Entries before
 * it were written by the client itself and prove nothing.
 */
export function clientAddressOf(req: IncomingMessage, trustedProxies: number): string {
  const socket = req.socket.remoteAddress ?? 'unknown';
  const forwarded = req.headers['x-forwarded-for'];
  if (trustedProxies === 0 || forwarded === undefined) return socket;
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded).split(',').map(hop => hop.trim()).filter(Boolean);
  return hops[hops.length - trustedProxies] ?? hops[0] ?? socket;
}
