import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

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

/**
 * Who an address's budgets (rate limit, auth budget) belong to: an IPv4 address itself, an IPv6
 * address's /64 (`2001:db8:1:2::/64`), since a single customer gets at least a /64 (RFC 6177) and
 * could otherwise draw a fresh budget from each of its 2⁶⁴ addresses. An IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`, a dual-stack socket's) is its IPv4 address; a zone id (`%eth0`) is dropped;
 * anything not an address is kept as it is.
 */
export function budgetKeyOf(address: string): string {
  const bare = address.replace(/%.*$/, '');
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return address;
  const groups = ipv6Groups(bare);
  if (groups.slice(0, 5).every(group => group === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return `${groups.slice(0, 4).map(group => group.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address: `::` expanded, a trailing dotted IPv4 address as two groups. */
function ipv6Groups(address: string): number[] {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const hex = dotted ? address.slice(0, dotted.index) + [0, 2].map(i => ((Number(dotted[i + 1]) << 8) | Number(dotted[i + 2])).toString(16)).join(':') : address;
  const [head, tail] = hex.split('::').map(part => (part ? part.split(':').map(group => parseInt(group, 16)) : []));
  return tail === undefined ? head : [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}
