import type { DataSource } from 'typeorm';
import type { RedisWithFallback } from '../db/redis-with-fallback';

/** Where the budget of secret-checking operations is counted; shared by every API process either way. */
export interface AuthBudgetStore {
  /** Counts one attempt from this (hashed) address in the current minute; resolves with the minute's count so far. */
  spend(addressHash: string): Promise<number>;
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

/** Counts in Redis; while Redis cannot answer, in PostgreSQL instead (see `RedisWithFallback`). */
export class RedisAuthBudgetStore implements AuthBudgetStore {
  constructor(
    private readonly redis: RedisWithFallback,
    private readonly prefix: string,
    private readonly fallback: AuthBudgetStore,
  ) {}

  spend(addressHash: string): Promise<number> {
    return this.redis.run(
      async redis => Number(await redis.eval(SPEND, 1, this.prefix + addressHash)),
      () => this.fallback.spend(addressHash),
    );
  }
}

export interface AuthBudgetStoreOptions {
  /** Redis when one is configured (REDIS_URL). */
  redis: RedisWithFallback | null;
  db: DataSource;
}

/** In Redis when one is configured (REDIS_URL), else in PostgreSQL. */
export function openAuthBudgetStore({ redis, db }: AuthBudgetStoreOptions): AuthBudgetStore {
  const postgres = new PostgresAuthBudgetStore(db);
  return redis ? new RedisAuthBudgetStore(redis, 'mentor:auth-rate:', postgres) : postgres;
}
