import type { DataSource } from 'typeorm';
import type { RedisWithFallback } from '../db/redis-with-fallback';

/** A budget's window: GitHub's, an hour from the first request after the previous one ended. */
export const WINDOW_SECONDS = 3600;

/** What spending did: whether the points fitted, what the window has spent since, and when it ends. */
export interface Spending {
  accepted: boolean;
  spent: number;
  /** Milliseconds since the epoch, on the store's clock. */
  resetAt: number;
}

/** Where budgets are counted; shared by every API process either way. */
export interface RateBudgetStore {
  /**
   * Spends `points` of the budget `key` if they fit within `limit` for its current window, in one
   * atomic step; refused points are not spent, so a large request refused leaves the small ones room.
   */
  spend(key: string, points: number, limit: number): Promise<Spending>;
}

/** How often a process clears budgets whose window has ended (the next request of one would restart it anyway). */
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * A row per budget in `rate_budget`, on the database's clock. One statement a request: the upsert
 * spends only when the points fit (its WHERE), and when it did not, the same statement reads the
 * row back for the headers (from the statement's snapshot: under a race, the figures may be a
 * request old; the decision is not).
 */
export class PostgresRateBudgetStore implements RateBudgetStore {
  private nextSweep = Date.now() + SWEEP_EVERY_MS;

  constructor(private readonly db: DataSource) {}

  async spend(key: string, points: number, limit: number): Promise<Spending> {
    const rows: { accepted: boolean; spent: number; window_ends: Date }[] = await this.db.query(
      `WITH spend AS (
         INSERT INTO rate_budget AS b (key, window_ends, spent)
         SELECT $1, now() + make_interval(secs => $4::int), $2::int WHERE $2::int <= $3::int
         ON CONFLICT (key) DO UPDATE SET
           window_ends = CASE WHEN b.window_ends <= now() THEN excluded.window_ends ELSE b.window_ends END,
           spent = CASE WHEN b.window_ends <= now() THEN excluded.spent ELSE b.spent + excluded.spent END
         WHERE b.window_ends <= now() OR b.spent + excluded.spent <= $3::int
         RETURNING spent, window_ends)
       SELECT true AS accepted, spent, window_ends FROM spend
       UNION ALL
       SELECT false, spent, window_ends FROM rate_budget WHERE key = $1 AND window_ends > now() AND NOT EXISTS (SELECT FROM spend)`,
      [key, points, limit, WINDOW_SECONDS],
    );
    if (Date.now() >= this.nextSweep) await this.sweep();
    const [row] = rows;
    if (!row) return { accepted: false, spent: 0, resetAt: Date.now() + WINDOW_SECONDS * 1000 };
    return { accepted: row.accepted, spent: row.spent, resetAt: new Date(row.window_ends).getTime() };
  }

  /** Forgets budgets whose window has ended, so that the table holds about an hour of callers. */
  async sweep(): Promise<void> {
    this.nextSweep = Date.now() + SWEEP_EVERY_MS;
    await this.db.query('DELETE FROM rate_budget WHERE window_ends <= now()');
  }
}

/**
 * One key per budget, `<prefix><key>`, holding the points spent and expiring when the window ends,
 * on Redis's clock (one clock for every process). Read, checked and spent in one script, so
 * concurrent requests on any number of processes cannot overspend, and no key is left without an expiry.
 */
const SPEND = `
local points, limit, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = redis.call('PTTL', KEYS[1])
local spent = 0
if ttl > 0 then spent = tonumber(redis.call('GET', KEYS[1])) else ttl = window end
if spent + points > limit then return {0, spent, now + ttl} end
if spent == 0 then redis.call('SET', KEYS[1], points, 'PX', window) else redis.call('INCRBY', KEYS[1], points) end
return {1, spent + points, now + ttl}`;

/** Counts in Redis; while Redis cannot answer, in PostgreSQL instead (see `RedisWithFallback`). */
export class RedisRateBudgetStore implements RateBudgetStore {
  constructor(
    private readonly redis: RedisWithFallback,
    private readonly prefix: string,
    private readonly fallback: RateBudgetStore,
  ) {}

  spend(key: string, points: number, limit: number): Promise<Spending> {
    return this.redis.run(
      async redis => {
        const [accepted, spent, resetAt] = (await redis.eval(SPEND, 1, this.prefix + key, points, limit, WINDOW_SECONDS * 1000)) as number[];
        return { accepted: accepted === 1, spent: Number(spent), resetAt: Number(resetAt) };
      },
      () => this.fallback.spend(key, points, limit),
    );
  }
}

/** The Redis keys' prefix: `mentor:rate:user:<id>`, `mentor:rate:client:<id>`, `mentor:rate:address:<hash>`. */
export const RATE_KEY_PREFIX = 'mentor:rate:';

/** In Redis when one is configured (REDIS_URL), else in PostgreSQL. */
export function openRateBudgetStore(redis: RedisWithFallback | null, db: DataSource): RateBudgetStore {
  const postgres = new PostgresRateBudgetStore(db);
  return redis ? new RedisRateBudgetStore(redis, RATE_KEY_PREFIX, postgres) : postgres;
}
