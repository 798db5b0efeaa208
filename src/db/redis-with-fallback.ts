import Redis from 'ioredis';
import type { Logger } from 'pino';

/**
 * After Redis failed, how long every request counts in PostgreSQL without trying Redis. A Redis that
 * hangs rather than refuses would otherwise cost each request the command timeout before its fallback.
 */
export const REDIS_RETRY_AFTER_MS = 5_000;

/**
 * A Redis connection for the counts every API process shares (the auth budget, the rate limits),
 * with PostgreSQL as the fallback while Redis cannot answer. Not failing open without a count: a
 * budget is what stops one address guessing passwords or flooding the database, and an attacker able
 * to disturb Redis must not lift it. Not failing closed either: Redis down must not refuse requests
 * the database could serve. During an outage a process that still reaches Redis counts there and one
 * that does not counts in PostgreSQL, so a budget is at most doubled for that time.
 *
 * A circuit breaker: closed, every request tries Redis; open after a failure, none does for
 * `REDIS_RETRY_AFTER_MS`; then half-open, the first request tries Redis while the others keep to
 * PostgreSQL for another window, and its outcome closes the breaker or opens it again.
 */
export class RedisWithFallback {
  private readonly redis: Redis;
  private readonly connecting: Promise<void>;
  /** 0 while closed; else the time until which requests skip Redis. */
  private openUntil = 0;

  constructor(
    url: string,
    private readonly log: Logger,
  ) {
    // A request must not wait on Redis: no offline queue, short timeouts; ioredis reconnects by itself.
    // disconnectTimeout: ioredis otherwise holds the process 2 s after closing while Redis is down (a timer on the dead socket).
    this.redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, connectTimeout: 2_000, commandTimeout: 1_000, maxRetriesPerRequest: 1, disconnectTimeout: 100 });
    this.redis.on('error', () => undefined); // failures surface in run(), which falls back
    // The first requests after start wait for the first connection (at most connectTimeout) rather than all falling back.
    this.connecting = this.redis.connect().catch(() => undefined);
  }

  /** `inRedis` while Redis answers; `inPostgres` while it does not, and for `REDIS_RETRY_AFTER_MS` after it failed. */
  async run<T>(inRedis: (redis: Redis) => Promise<T>, inPostgres: () => Promise<T>): Promise<T> {
    await this.connecting;
    if (Date.now() < this.openUntil) return inPostgres();
    if (this.openUntil !== 0) this.openUntil = Date.now() + REDIS_RETRY_AFTER_MS; // half-open: this request alone tries Redis
    let result: T;
    try {
      result = await inRedis(this.redis);
    } catch (error) {
      if (this.openUntil === 0) this.log.warn({ err: error }, 'Redis unreachable: budgets are counted in PostgreSQL meanwhile');
      this.openUntil = Date.now() + REDIS_RETRY_AFTER_MS;
      return inPostgres();
    }
    if (this.openUntil !== 0) this.log.info('Redis answers again: budgets are counted there');
    this.openUntil = 0;
    return result;
  }

  async close(): Promise<void> {
    await this.connecting;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
