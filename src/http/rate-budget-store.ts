import type { DataSource } from 'typeorm';
import type { RedisWithFallback } from '../db/redis-with-fallback';
import { CoalescingRateBudgetStore } from './coalesced-spends';
import type { BatchSpender, BudgetSpend, RateBudgetStore, Spending } from './rate-budget';

/** A budget's window: GitHub's, an hour from the first request after the previous one ended. */
export const WINDOW_SECONDS = 3600;

/** How often a process clears budgets whose window has ended (the next request of one would restart it anyway). */
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * A row per budget in `rate_budget`, on the database's clock; several budgets in one statement (see
 * `CoalescingRateBudgetStore`). The upsert spends only when the points fit (its WHERE), and when
 * they did not, the same statement reads the row back for the headers (from the statement's
 * snapshot: under a race, the figures may be a request old; the decision is not). Rows are locked
 * in key order, so that two processes' batches cannot deadlock.
 */
export class PostgresBudgetSpender implements BatchSpender {
  private nextSweep = Date.now() + SWEEP_EVERY_MS;

  constructor(private readonly db: DataSource) {}

  async spendEach(spends: BudgetSpend[]): Promise<Spending[]> {
    const rows: { key: string; accepted: boolean; spent: number; window_ends: Date }[] = await this.db.query(
      `WITH input AS (SELECT * FROM unnest($1::text[], $2::int[], $3::int[]) AS i(key, points, budget)),
       spend AS (
         INSERT INTO rate_budget AS b (key, window_ends, spent)
         SELECT key, now() + make_interval(secs => $4::int), points FROM input WHERE points <= budget ORDER BY key
         ON CONFLICT (key) DO UPDATE SET
           window_ends = CASE WHEN b.window_ends <= now() THEN excluded.window_ends ELSE b.window_ends END,
           spent = CASE WHEN b.window_ends <= now() THEN excluded.spent ELSE b.spent + excluded.spent END
         WHERE b.window_ends <= now() OR b.spent + excluded.spent <= (SELECT budget FROM input WHERE input.key = b.key)
         RETURNING key, spent, window_ends)
       SELECT key, true AS accepted, spent, window_ends FROM spend
       UNION ALL
       SELECT key, false, spent, window_ends FROM rate_budget WHERE key IN (SELECT key FROM input) AND window_ends > now()
         AND key NOT IN (SELECT key FROM spend)`,
      [spends.map(spend => spend.key), spends.map(spend => spend.points), spends.map(spend => spend.limit), WINDOW_SECONDS],
    );
    // Not awaited: the batches behind this one do not wait for it, and a sweep that fails is done by the next.
    if (Date.now() >= this.nextSweep) void this.sweep().catch(() => undefined);
    const byKey = new Map(rows.map(row => [row.key, row]));
    return spends.map(({ key }) => {
      const row = byKey.get(key);
      // No row: refused before any was written (more points than the limit, in a new window).
      if (!row) return { accepted: false, spent: 0, resetAt: Date.now() + WINDOW_SECONDS * 1000 };
      return { accepted: row.accepted, spent: row.spent, resetAt: new Date(row.window_ends).getTime() };
    });
  }

  /**
   * Forgets budgets whose window has ended, so that the table holds about an hour of callers. Rows a
   * batch holds are skipped (they are being restarted), and the others are locked in key order, as
   * batches lock theirs: the sweep waits on none, so it cannot deadlock with them.
   */
  async sweep(): Promise<void> {
    this.nextSweep = Date.now() + SWEEP_EVERY_MS;
    await this.db.query(
      `DELETE FROM rate_budget WHERE key IN (SELECT key FROM rate_budget WHERE window_ends <= now() ORDER BY key FOR UPDATE SKIP LOCKED)`,
    );
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
  const postgres = new CoalescingRateBudgetStore(new PostgresBudgetSpender(db));
  return redis ? new RedisRateBudgetStore(redis, RATE_KEY_PREFIX, postgres) : postgres;
}
