import Redis from 'ioredis';
import type { Logger } from 'pino';

/**
 * A Redis connection for the counts every API process shares (the auth budget, the rate limits),
 * with PostgreSQL as the fallback while Redis cannot answer. Not failing open without a count: a
 * budget is what stops one address guessing passwords or flooding the database, and an attacker able
 * to disturb Redis must not lift it. Not failing closed either: Redis down must not refuse requests
 * the database could serve. During an outage a process that still reaches Redis counts there and one
 * that does not counts in PostgreSQL, so a budget is at most doubled for that time.
 */
export class RedisWithFallback {
  private readonly redis: Redis;
  private readonly connecting: Promise<void>;
  private failing = false;

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

  /** `inRedis` while Redis answers; `inPostgres` while it does not. */
  async run<T>(inRedis: (redis: Redis) => Promise<T>, inPostgres: () => Promise<T>): Promise<T> {
    await this.connecting;
    let result: T;
    try {
      result = await inRedis(this.redis);
    } catch (error) {
      if (!this.failing) this.log.warn({ err: error }, 'Redis unreachable: budgets are counted in PostgreSQL meanwhile');
      this.failing = true;
      return inPostgres();
    }
    if (this.failing) this.log.info('Redis answers again: budgets are counted there');
    this.failing = false;
    return result;
  }

  async close(): Promise<void> {
    await this.connecting;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
