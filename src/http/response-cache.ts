import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Redis from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { ListenedCatalogueVersion, type CatalogueVersionSource } from '../db/catalogue-version';

/** A GraphQL answer as sent: the headers a client needs and the body, and when it was computed. */
export interface CachedResponse {
  headers: Record<string, string>;
  body: string;
  storedAt: number;
  /** The operation's metrics label (`query:trainings`), for the hits it answers. */
  operation?: string;
}

/** Where cached answers live: this process's memory, or Redis shared by every process. */
export interface ResponseStore {
  get(key: string): Promise<CachedResponse | undefined>;
  set(key: string, value: CachedResponse, ttlSeconds: number): Promise<void>;
  close(): Promise<void>;
}

/** Bounded by size, so that a cache of many distinct pages cannot grow the process's memory past it. */
export class MemoryResponseStore implements ResponseStore {
  private readonly entries: LRUCache<string, CachedResponse>;

  constructor(maxBytes: number) {
    // UTF-16 code units: two bytes each, whatever the text (French answers are not all Latin-1).
    this.entries = new LRUCache({ maxSize: maxBytes, sizeCalculation: value => 2 * value.body.length + 512 });
  }

  async get(key: string): Promise<CachedResponse | undefined> {
    return this.entries.get(key);
  }

  async set(key: string, value: CachedResponse, ttlSeconds: number): Promise<void> {
    this.entries.set(key, value, { ttl: ttlSeconds * 1000 });
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}

/** Shared by every API process: entries expire on their own (keys carry the catalogue version). */
export class RedisResponseStore implements ResponseStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    // A cache must never hold a request up: no offline queue, a short connect timeout, few retries.
    this.redis = new Redis(url, { enableOfflineQueue: false, connectTimeout: 2_000, maxRetriesPerRequest: 1, lazyConnect: false });
    this.redis.on('error', () => undefined); // failures surface as misses; ioredis reconnects by itself
  }

  async get(key: string): Promise<CachedResponse | undefined> {
    try {
      const value = await this.redis.get(this.prefix + key);
      return value === null ? undefined : (JSON.parse(value) as CachedResponse);
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: CachedResponse, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(value), 'EX', ttlSeconds).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The request is one Apollo accepts under its CSRF rule (a preflight was needed): only such answers are served from the cache. */
function preflighted(req: IncomingMessage): boolean {
  const given = (name: string) => (req.headers[name]?.toString().trim() ?? '') !== '';
  if (given('apollo-require-preflight') || given('x-apollo-operation-name')) return true;
  return req.method === 'POST' && /^application\/(graphql-response\+)?json\b/i.test(req.headers['content-type'] ?? '');
}

/** Mutations are never cached: their bodies (passwords included) are not even hashed into a key. */
function mayBeMutation(search: string, body: unknown): boolean {
  const query = (body as { query?: unknown } | undefined)?.query ?? new URLSearchParams(search).get('query');
  return typeof query === 'string' && /\bmutation\b/.test(query);
}

/** The catalogue version a key of `keyOf` (`instance:version:hash`) was made under. */
export function versionOfKey(key: string): bigint {
  return BigInt(key.split(':')[1]);
}

/**
 * Answers to anonymous catalogue reads, reused while the catalogue does not change: keys carry the
 * catalogue's version (raised and announced by every change), entries live as long as the answer's
 * `Cache-Control: public, max-age` allows (seat counts: a few seconds). Requests with a token never
 * reach it: what a signed-in user sees may be theirs alone.
 */
export class ResponseCache {
  constructor(
    private readonly store: ResponseStore,
    private readonly version: CatalogueVersionSource,
  ) {}

  /** The key of an anonymous read, or null when it must not be cached (signed in, no version known, not preflighted). */
  async keyOf(req: IncomingMessage, search: string, body: unknown): Promise<string | null> {
    if (req.headers.authorization !== undefined || !preflighted(req)) return null;
    if ((req.method !== 'GET' && req.method !== 'POST') || mayBeMutation(search, body)) return null;
    const version = await this.version.current();
    if (version === null) return null;
    const request = JSON.stringify([req.method, search, body, req.headers.accept ?? '']);
    return `${version}:${createHash('sha256').update(request).digest('base64url')}`;
  }

  get(key: string): Promise<CachedResponse | undefined> {
    return this.store.get(key);
  }

  /** A write committed in this process: check the version before the next cached read. */
  committed(): void {
    this.version.committed();
  }

  /** Keeps the answer if its Cache-Control says it is public, for its max-age. */
  async offer(key: string, status: number, headers: Record<string, string>, body: string, operation?: string): Promise<void> {
    const maxAge = /^public, max-age=(\d+)$/.exec(headers['cache-control'] ?? '')?.[1];
    if (status !== 200 || maxAge === undefined || Number(maxAge) <= 0) return;
    await this.store.set(key, { headers, body, storedAt: Date.now(), operation }, Number(maxAge));
  }

  async close(): Promise<void> {
    await Promise.all([this.store.close(), this.version.stop()]);
  }
}

/** Roughly how much memory the in-process store may hold. */
const MEMORY_STORE_BYTES = 64 * 1024 * 1024;

export interface ResponseCacheOptions {
  redisUrl: string | null;
  database: { url: string; separateSessions: boolean };
  log: Logger;
  /** Told of every new catalogue version: what the process keeps of the catalogue must go too. */
  onCatalogueChange: () => void;
}

/**
 * In Redis when one is configured (shared by every process), else in this process's memory. None
 * on PGlite (the embedded database, for development): its connections share one session, so no
 * notification would tell this process that the catalogue changed.
 */
export async function openResponseCache({ redisUrl, database, log, onCatalogueChange }: ResponseCacheOptions): Promise<ResponseCache | null> {
  if (!database.separateSessions) return null;
  const version = await ListenedCatalogueVersion.start(database.url, log, onCatalogueChange);
  const store = redisUrl ? new RedisResponseStore(redisUrl, 'mentor:responses:') : new MemoryResponseStore(MEMORY_STORE_BYTES);
  return new ResponseCache(store, version);
}
