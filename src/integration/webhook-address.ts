import { lookup } from 'node:dns/promises';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { DataSource } from 'typeorm';

/**
 * Where a webhook may point. In production: https only, and every address the name resolves to
 * must be a public unicast one, so that a partner cannot make the API call into its own network
 * (SSRF): loopback, private, shared (CGNAT), link-local, unique-local, multicast, reserved,
 * documentation and cloud metadata addresses are refused, IPv4 and IPv6 alike, IPv4 embedded in
 * IPv6 (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96) judged as the IPv4 it carries.
 */
export interface AddressPolicy {
  requireHttps: boolean;
  /** Outside production: receivers on this machine (tests, a developer's). Private networks and metadata stay refused. */
  allowLoopback: boolean;
}

export const PRODUCTION_POLICY: AddressPolicy = Object.freeze({ requireHttps: true, allowLoopback: false });
export const DEVELOPMENT_POLICY: AddressPolicy = Object.freeze({ requireHttps: false, allowLoopback: true });

export const policyFor = (nodeEnv: string): AddressPolicy => (nodeEnv === 'production' ? PRODUCTION_POLICY : DEVELOPMENT_POLICY);

// Set by createApp for its database (several apps share a test process); strict when unset.
const policies = new WeakMap<DataSource, AddressPolicy>();

export function setAddressPolicy(db: DataSource, policy: AddressPolicy): void {
  policies.set(db, policy);
}

export const addressPolicyOf = (db: DataSource): AddressPolicy => policies.get(db) ?? PRODUCTION_POLICY;

/** A refusal whose message (French) is shown to the partner at creation or kept as the delivery's last error. */
export class AddressRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddressRefused';
  }
}

// IANA special-purpose registries (RFC 6890 and successors) plus the metadata addresses of the
// main clouds (169.254.169.254 and 100.100.100.200 fall in the ranges below; fd00:ec2::254 too).
const IPV4_BLOCKED: [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (CGNAT); Alibaba's metadata 100.100.100.200
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local; AWS, GCP, Azure, OpenStack metadata 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments (Oracle's metadata 192.0.0.192)
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

// Inside 2000::/3 (global unicast), the only IPv6 space accepted, these are not public hosts.
const IPV6_BLOCKED_GLOBAL: [string, number][] = [
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID, benchmarking…)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: carries an IPv4 address of any kind
  ['3fff::', 20], // documentation
];

const ipv4Blocked = new BlockList();
for (const [network, prefix] of IPV4_BLOCKED) ipv4Blocked.addSubnet(network, prefix, 'ipv4');
const ipv6Blocked = new BlockList();
for (const [network, prefix] of IPV6_BLOCKED_GLOBAL) ipv6Blocked.addSubnet(network, prefix, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (zone id dropped, embedded dotted quad read). */
function ipv6Groups(address: string): number[] {
  let text = address.replace(/%.*$/, '').toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map(group => parseInt(group, 16)));
  const left = parse(head);
  if (tail === null) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

const embeddedIpv4 = (groups: number[]): string => `${groups[6] >> 8}.${groups[6] & 255}.${groups[7] >> 8}.${groups[7] & 255}`;

/** Why `address` (an IP literal) is not a public unicast address, or null when it is. */
export function whyNotPublic(address: string): string | null {
  if (isIPv4(address)) return ipv4Blocked.check(address, 'ipv4') ? 'adresse IPv4 non publique' : null;
  if (!isIPv6(address.replace(/%.*$/, ''))) return 'adresse IP illisible';
  const groups = ipv6Groups(address);
  const upperZero = groups.slice(0, 5).every(group => group === 0);
  // ::ffff:a.b.c.d (IPv4-mapped) and 64:ff9b::a.b.c.d (NAT64) reach the IPv4 address they carry.
  if ((upperZero && groups[5] === 0xffff) || (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every(group => group === 0))) {
    return whyNotPublic(embeddedIpv4(groups)) && 'adresse IPv4 non publique (dans une adresse IPv6)';
  }
  // Only global unicast (2000::/3): this leaves out ::, ::1, IPv4-compatible ::/96, fc00::/7
  // (unique-local, AWS's fd00:ec2::254), fe80::/10 (link-local), fec0::/10, ff00::/8 (multicast), 100::/64…
  if ((groups[0] & 0xe000) !== 0x2000) return 'adresse IPv6 non publique';
  const canonical = groups.map(group => group.toString(16)).join(':');
  return ipv6Blocked.check(canonical, 'ipv6') ? 'adresse IPv6 réservée' : null;
}

/** 127.0.0.0/8 and ::1, also written as IPv4-mapped IPv6. */
function isLoopback(address: string): boolean {
  if (isIPv4(address)) return address.startsWith('127.');
  if (!isIPv6(address.replace(/%.*$/, ''))) return false;
  const groups = ipv6Groups(address);
  const upperZero = groups.slice(0, 5).every(group => group === 0);
  if (upperZero && groups[5] === 0 && groups[6] === 0 && groups[7] === 1) return true;
  return upperZero && groups[5] === 0xffff && groups[6] >> 8 === 127;
}

export interface CheckedTarget {
  url: URL;
  /** The host name as the URL gives it (no brackets): the TLS server name and Host header. */
  hostname: string;
  /** The address to connect to: checked, so that a second resolution cannot swap it (DNS rebinding). */
  address: string;
  family: 4 | 6;
}

/** The URL parsed and checked as `policy` says; a refusal is an AddressRefused. Does not resolve. */
export function parseWebhookUrl(raw: string, policy: AddressPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AddressRefused('L’adresse n’est pas une URL absolue (https://…).');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AddressRefused('L’adresse doit commencer par https://.');
  if (policy.requireHttps && url.protocol !== 'https:') throw new AddressRefused('L’adresse doit être en https.');
  if (url.username || url.password) throw new AddressRefused('L’adresse ne doit pas contenir d’identifiants.');
  if (raw.length > 2000) throw new AddressRefused('L’adresse dépasse 2 000 caractères.');
  return url;
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

/** A name that does not resolve within this is refused: a slow DNS must not hold `createWebhook` (a delivery attempt has its own limits, `PostLimits`). */
const LOOKUP_TIMEOUT_MS = 5_000;

/** The operating system's (getaddrinfo: /etc/hosts, then DNS), every address of the name. */
export const systemResolver: Resolver = hostname => {
  let timer: NodeJS.Timeout | undefined;
  const tooSlow = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('DNS timeout')), LOOKUP_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([lookup(hostname, { all: true, verbatim: true }), tooSlow]).finally(() => clearTimeout(timer));
};

// Names are resolved as the system does, unless a test sets a resolver of its own for an app's
// database: to change a name's answer between creation and delivery (DNS rebinding).
const resolvers = new WeakMap<DataSource, Resolver>();

export function setResolver(db: DataSource, resolve: Resolver): void {
  resolvers.set(db, resolve);
}

export const resolverOf = (db: DataSource): Resolver => resolvers.get(db) ?? systemResolver;

/** `promise`, or the signal's reason once it aborts: a lookup cannot be cancelled (getaddrinfo runs on libuv's thread pool), only no longer waited for. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort);
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Resolves the URL's host and checks every address it resolves to (one bad address refuses the
 * whole name: a resolver may hand out any of them); answers the first, to connect to it and no other.
 * `signal` gives up waiting for the resolver, throwing its reason.
 */
export async function checkWebhookTarget(raw: string, policy: AddressPolicy, resolve: Resolver = systemResolver, signal?: AbortSignal): Promise<CheckedTarget> {
  const url = parseWebhookUrl(raw, policy);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  try {
    addresses = await unlessAborted(resolve(hostname), signal);
  } catch {
    if (signal?.aborted) throw signal.reason;
    throw new AddressRefused(`Le nom ${hostname} ne se résout pas.`);
  }
  if (addresses.length === 0) throw new AddressRefused(`Le nom ${hostname} ne se résout pas.`);
  for (const { address } of addresses) {
    if (policy.allowLoopback && isLoopback(address)) continue;
    const reason = whyNotPublic(address);
    if (reason) throw new AddressRefused(`L’adresse ${hostname} mène à ${address} (${reason}) : refusée.`);
  }
  const [first] = addresses;
  return { url, hostname, address: first.address, family: first.family === 6 ? 6 : 4 };
}
