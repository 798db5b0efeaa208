import Redis from 'ioredis';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';

/** Where the budget of secret-checking operations is counted; shared by every API process either way. */
export interface AuthBudgetStore {
  /** Counts one attempt from this (hashed) address in the current minute; resolves with the minute's count so far. */
  spend(addressHash: string): Promise<number>;
  close(): Promise<void>;
}

/** A row per address and minute in `auth_rate`, on the database's clock. */
export class PostgresAuthBudgetStore implements AuthBudgetStore {
  constructor(private readonly db: DataSource) {}

  async spend(addressHash: string): Promise<number> {
    const [{ attempts }]: { attempts: number }[] = await this.db.query(
      `INSERT INTO auth_rate (address_hash, minute, attempts) VALUES ($1, date_trunc('minute', now()), 1)
       ON CONFLICT (address_hash, minute) DO UPDATE SET attempts = auth_rate.attempts + 1
       RETURNING attempts`,
      [addressHash],
    );
    // The first attempt of a minute clears minutes long past (of every address), so the table stays small.
    if (attempts === 1) await this.db.query(`DELETE FROM auth_rate WHERE minute < now() - interval '1 hour'`);
    return attempts;
  }

  async close(): Promise<void> {}
}

/**
 * One key per address and minute, `<prefix><hash>:<minute>`, on Redis's clock (one clock for every
 * process, as PostgreSQL's now() is): incremented and given its expiry in one script, so no key can
 * be left without one. The key is built in the script from the declared one; a Redis Cluster would
 * need a hash tag around the address for that.
 */
const SPEND = `
local minute = math.floor(tonumber(redis.call('TIME')[1]) / 60)
local key = KEYS[1] .. ':' .. minute
local attempts = redis.call('INCR', key)
if attempts == 1 then redis.call('EXPIRE', key, 120) end
return attempts`;

/**
 * Counts in Redis; while Redis cannot answer, in PostgreSQL instead. Not failing open without a
 * count: the budget is what stops password guessing from one address, and an attacker able to
 * disturb Redis must not lift it. Not failing closed either: Redis down must not refuse every
 * sign-in when the database that checks the passwords is up. During an outage a process that still
 * reaches Redis counts there and one that does not counts in PostgreSQL, so an address gets at
 * most twice its budget for those minutes.
 */
export class RedisAuthBudgetStore implements AuthBudgetStore {
  private readonly redis: Redis;
  private readonly connecting: Promise<void>;
  private failing = false;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly fallback: AuthBudgetStore,
    private readonly log: Logger,
  ) {
    // A sign-in must not wait on Redis: no offline queue, short timeouts; ioredis reconnects by itself.
    // disconnectTimeout: ioredis otherwise holds the process 2 s after closing while Redis is down (a timer on the dead socket).
    this.redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, connectTimeout: 2_000, commandTimeout: 1_000, maxRetriesPerRequest: 1, disconnectTimeout: 100 });
    this.redis.on('error', () => undefined); // failures surface in spend(), which falls back
    // The first sign-ins after start wait for the first connection (at most connectTimeout) rather than all falling back.
    this.connecting = this.redis.connect().catch(() => undefined);
  }

  async spend(addressHash: string): Promise<number> {
    await this.connecting;
    try {
      const attempts = Number(await this.redis.eval(SPEND, 1, this.prefix + addressHash));
      if (this.failing) this.log.info('Redis answers again: the auth budget is counted there');
      this.failing = false;
      return attempts;
    } catch (error) {
      if (!this.failing) this.log.warn({ err: error }, 'Redis unreachable: the auth budget is counted in PostgreSQL meanwhile');
      this.failing = true;
      return this.fallback.spend(addressHash);
    }
  }

  async close(): Promise<void> {
    await this.connecting;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

export interface AuthBudgetStoreOptions {
  redisUrl: string | null;
  db: DataSource;
  log: Logger;
}

/** In Redis when one is configured (REDIS_URL), else in PostgreSQL. */
export function openAuthBudgetStore({ redisUrl, db, log }: AuthBudgetStoreOptions): AuthBudgetStore {
  const postgres = new PostgresAuthBudgetStore(db);
  return redisUrl ? new RedisAuthBudgetStore(redisUrl, 'mentor:auth-rate:', postgres, log) : postgres;
}
