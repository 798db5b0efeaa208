import { Client, type Pool, type QueryResultRow } from 'pg';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { preparedQuery, preparesStatements, statementName, type SqlReader } from './named-query';
import { countStatement } from './statement-counter';

/** How often a replica set aside (it failed) is probed in the background until it answers again. */
const PROBE_EVERY_MS = 5_000;
/** How long a replica may take to answer at start, and in a readiness check. */
const PROBE_TIMEOUT_MS = 2_000;
const VERSION_QUERY = 'SELECT version::text AS version FROM catalogue_state';

interface Replica {
  readonly url: string;
  /** TypeORM's slave pool for it; null until the replica has answered once. */
  pool: Pool | null;
  /** Set aside after a failure: no request uses it until a background probe finds it answering. */
  aside: boolean;
}

/** Whether a failure says the replica is unusable now (rather than the statement being wrong). */
function isReplicaFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true; // ECONNREFUSED, a cut connection, the pool's wait
  // Connection exceptions, shutdown or recovery (57P0x), too many connections (53300), and a
  // standby cancelling a query that conflicts with replay (40001): the primary can answer instead.
  return code.startsWith('08') || code.startsWith('57P') || code.startsWith('53') || code === '40001';
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS, query_timeout: PROBE_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Which of DATABASE_REPLICA_URLS answer now: TypeORM connects to every replica it is given when
 * the data source initialises, and refuses to start if one is down. A replica down at start is left
 * out, and attached by `ReplicaSet` once it answers.
 */
export async function reachableReplicas(urls: readonly string[]): Promise<string[]> {
  const up = await Promise.all(urls.map(answers));
  return urls.filter((_, index) => up[index]);
}

interface TypeOrmPostgresDriver {
  slaves: Pool[];
  options: object;
  createPool(options: object, credentials: object): Promise<Pool>;
}

/**
 * The read replicas (hot standbys) of DATABASE_REPLICA_URLS, as TypeORM's replication pools: which
 * are usable, and a replica per request for the reads that may lag (`LaggingReads`). A replica that
 * fails (down, restarting, cancelling for replay) is set aside until a background probe sees it
 * answer again; reads fall back to the primary meanwhile, and readiness reports it without failing
 * (the primary serves).
 */
export class ReplicaSet {
  private readonly replicas: Replica[];
  private readonly attaching: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly db: DataSource,
    urls: readonly string[],
    attached: readonly string[],
    private readonly log: Logger,
    private readonly probeEveryMs = PROBE_EVERY_MS,
  ) {
    const driver = db.driver as unknown as TypeOrmPostgresDriver;
    // TypeORM builds its slave pools in the order given: `attached` is `urls` minus those down at start.
    this.replicas = urls.map(url => ({ url, pool: attached.includes(url) ? driver.slaves[attached.indexOf(url)] : null, aside: false }));
    const missing = this.replicas.filter(replica => replica.pool === null);
    if (missing.length > 0) {
      log.warn({ replicas: missing.length }, 'read replica unreachable at start: reads go to the primary until it answers');
      this.attaching = setInterval(() => void this.attachMissing(), probeEveryMs);
      this.attaching.unref();
    }
  }

  /** Creates TypeORM's pool for a replica that was down at start, once it answers. */
  private async attachMissing(): Promise<void> {
    const driver = this.db.driver as unknown as TypeOrmPostgresDriver;
    for (const replica of this.replicas.filter(candidate => candidate.pool === null)) {
      if (!(await answers(replica.url)) || this.stopped || !this.db.isInitialized) continue;
      const pool = await driver.createPool(driver.options, { url: replica.url }).catch(() => null);
      if (!pool) continue;
      if (this.stopped) {
        await pool.end();
        return;
      }
      driver.slaves.push(pool); // closed with the data source
      replica.pool = pool;
      this.log.info('read replica attached');
    }
    if (this.replicas.every(replica => replica.pool !== null) && this.attaching) clearInterval(this.attaching);
  }

  /** A usable replica's pool, at random; null when none is. */
  pick(): Pool | null {
    const usable = this.replicas.filter(replica => replica.pool !== null && !replica.aside);
    return usable.length === 0 ? null : usable[Math.floor(Math.random() * usable.length)].pool;
  }

  /**
   * Whether `error` from `pool` puts its replica aside (then the caller asks the primary). Requests
   * never try it again themselves: a background probe, with its own short timeout, brings it back
   * once it answers, so that no request waits on a replica still down (the pool's connect timeout).
   */
  failed(pool: Pool, error: unknown): boolean {
    if (!isReplicaFailure(error)) return false;
    const replica = this.replicas.find(candidate => candidate.pool === pool);
    if (replica && !replica.aside) {
      this.log.warn({ err: error }, 'read replica failed: reads go to the primary until it answers again');
      replica.aside = true;
      void this.probeUntilBack(replica);
    }
    return true;
  }

  private async probeUntilBack(replica: Replica): Promise<void> {
    while (!this.stopped) {
      await new Promise(resolve => setTimeout(resolve, this.probeEveryMs).unref());
      if (this.stopped || !(await answers(replica.url))) continue;
      replica.aside = false;
      this.log.info('read replica answers again');
      return;
    }
  }

  /** For readiness: how many replicas answer now. */
  async status(): Promise<{ available: number; unavailable: number }> {
    const up = await Promise.all(
      this.replicas.map(async replica => {
        if (!replica.pool) return false;
        const timeout = new Promise<false>(resolve => setTimeout(resolve, PROBE_TIMEOUT_MS, false).unref());
        return Promise.race([replica.pool.query('SELECT 1').then(() => true, () => false), timeout]);
      }),
    );
    const available = up.filter(Boolean).length;
    return { available, unavailable: up.length - available };
  }

  stop(): void {
    this.stopped = true;
    if (this.attaching) clearInterval(this.attaching);
  }
}

/**
 * One request's reads that may lag — the public catalogue's lists, search and facets, and the
 * change feed — and nothing else: writes, a viewer's own data, reads in transactions stay on the
 * primary. The request keeps to one replica (its pool's connections all reach one server, whose
 * replay only moves forward), so that its reads never go back in time from one statement to the
 * next; it moves to the primary for good when that replica fails, or once the request writes.
 *
 * `minVersion`: an answer about to be cached under that catalogue version (the response cache's
 * key, known from the primary) must not be computed from older data, or it would be served as
 * current until the next change: the replica is used only if it has replayed that version, read
 * before the data (replay is monotonic); else the primary answers.
 */
export class LaggingReads implements SqlReader {
  private chosen: Promise<Pool | null> | null = null;
  private primary = false;

  constructor(
    private readonly db: DataSource,
    private readonly replicas: ReplicaSet | null,
    private readonly minVersion: bigint | null,
  ) {}

  /** From now on this request reads from the primary (it writes, or wrote). */
  primaryOnly(): void {
    this.primary = true;
  }

  async query<T extends QueryResultRow>(text: string, values: unknown[], prepare: boolean): Promise<T[]> {
    const pool = this.primary || !this.replicas ? null : await (this.chosen ??= this.choose(this.replicas));
    if (pool && !this.primary) {
      const name = prepare && preparesStatements(this.db) ? statementName(text) : null;
      countStatement({ text, values });
      try {
        return (await pool.query<T>(name ? { name, text, values } : { text, values })).rows;
      } catch (error) {
        if (!this.replicas!.failed(pool, error)) throw error;
        this.primary = true;
      }
    }
    return prepare ? preparedQuery<T>(this.db, text, values) : this.db.query(text, values);
  }

  private async choose(replicas: ReplicaSet): Promise<Pool | null> {
    const pool = replicas.pick();
    if (!pool || this.minVersion === null) return pool;
    try {
      countStatement({ text: VERSION_QUERY, values: [] });
      const { rows } = await pool.query<{ version: string }>(VERSION_QUERY);
      return BigInt(rows[0].version) >= this.minVersion ? pool : null;
    } catch (error) {
      if (!replicas.failed(pool, error)) throw error;
      return null;
    }
  }
}
