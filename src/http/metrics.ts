import type { Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { RequestTrace } from '../context';

/**
 * Label values are bounded: an operation is its kind and root fields (names the schema bounds) or a
 * route's pattern, never a client's own words, ids or paths. One root field (or one route) always
 * has its own label: the schema and the routes bound those. Past this many distinct combinations of
 * root fields (a client combining them at random), further ones are counted as `<kind>:other`, so
 * that nobody can crowd the real operations out of their labels.
 */
const MAX_OPERATIONS = 200;
const MAX_ERROR_CODES = 100;
/** How long a scrape waits for the outbox's figures before serving the last ones known. */
const BACKLOG_WAIT_MS = 2_000;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** `GET /files/:param` from a route's pattern `^\/files\/([A-Za-z0-9_-]{1,200})$`. */
export function routePattern(pattern: RegExp): string {
  return pattern.source
    .replace(/^\^|\$$/g, '')
    .replace(/\((?:[^()\\]|\\.)*\)/g, ':param')
    .replace(/\\(.)/g, '$1');
}

/** The label of a plain-HTTP request: its method (a known one) and the route's path or pattern. */
export function routeLabel(method: string | undefined, path: string): string {
  const known = (method ?? '').toUpperCase();
  return `${METHODS.has(known) ? known : 'OTHER'} ${path}`;
}

/** Names kept as they come until there are `max` of them (those `always` kept aside); later ones become `fallback(value)`. */
class BoundedLabels {
  private readonly seen = new Set<string>();

  constructor(
    private readonly max: number,
    private readonly fallback: (value: string) => string,
    private readonly always: (value: string) => boolean = () => false,
  ) {}

  of(value: string): string {
    if (this.always(value) || this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return this.fallback(value);
    this.seen.add(value);
    return value;
  }
}

type PgPool = Pick<Pool, 'totalCount' | 'idleCount' | 'waitingCount'>;

/** TypeORM's postgres driver: the primary's pg Pool, and one per replica when reads are replicated. */
function poolsOf(db: DataSource): [name: string, pool: PgPool][] {
  const driver = db.driver as unknown as { master?: PgPool; slaves?: PgPool[] };
  const pools: [string, PgPool][] = driver.master ? [['primary', driver.master]] : [];
  (driver.slaves ?? []).forEach((pool, index) => pools.push([`replica${index + 1}`, pool]));
  return pools;
}

export interface MetricsSources {
  db: DataSource;
  /** The outbox's channels ('mail', 'webhook'): each has its series, zero included. */
  outboxChannels: readonly string[];
}

/**
 * Undelivered messages a sender may still deliver: pending ones, and those held for want of a
 * transport during the two days a sender with one still takes them (see OutboxSender.claim).
 * One statement on the partial index `outbox_message_undelivered_idx`.
 */
const OUTBOX_BACKLOG = `
  SELECT channel, status::text AS status, count(*)::int AS messages, extract(epoch FROM now() - min(created_at))::float8 AS age
  FROM outbox_message
  WHERE status = 'PENDING' OR (status = 'HELD' AND created_at > now() - interval '2 days')
  GROUP BY channel, status`;

/**
 * This process's metrics in a registry of its own (tests run several apps in one process): request
 * durations and SQL statements by operation, errors by code, response cache hits, and, computed at
 * scrape time, the database pools and the outbox's backlog, beside Node's default metrics.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly operations = new BoundedLabels(
    MAX_OPERATIONS,
    value => `${/^(query|mutation|subscription):/.exec(value)?.[1] ?? 'other'}:other`,
    value => !value.includes('+'),
  );
  private readonly errorCodes = new BoundedLabels(MAX_ERROR_CODES, () => 'OTHER');
  private readonly duration: Histogram<'operation'>;
  private readonly statements: Histogram<'operation'>;
  private readonly errors: Counter<'kind' | 'code'>;
  private readonly cache: Counter<'result'>;

  constructor({ db, outboxChannels }: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.duration = new Histogram({
      name: 'mentor_http_request_duration_seconds',
      help: 'Time to answer a request, by operation (GraphQL: kind and root fields, e.g. query:trainings; else the route)',
      labelNames: ['operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.statements = new Histogram({
      name: 'mentor_graphql_sql_statements',
      help: 'SQL statements one GraphQL request sent, by operation',
      labelNames: ['operation'],
      buckets: [0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64],
      registers,
    });
    this.errors = new Counter({
      name: 'mentor_errors_total',
      help: 'Errors answered, by kind (graphql: extensions.code; user: a userErrors code; http: a plain route refusal) and code',
      labelNames: ['kind', 'code'],
      registers,
    });
    this.cache = new Counter({
      name: 'mentor_response_cache_requests_total',
      help: 'Anonymous catalogue reads looked up in the response cache, by result (hit, miss)',
      labelNames: ['result'],
      registers,
    });
    new Gauge({
      name: 'mentor_db_pool_connections',
      help: 'Database pool connections, by pool (primary, replicaN) and state (in_use, idle)',
      labelNames: ['pool', 'state'],
      registers,
      collect() {
        for (const [pool, { totalCount, idleCount }] of poolsOf(db)) {
          this.set({ pool, state: 'in_use' }, totalCount - idleCount);
          this.set({ pool, state: 'idle' }, idleCount);
        }
      },
    });
    new Gauge({
      name: 'mentor_db_pool_waiting_requests',
      help: 'Queries waiting for a free connection of the pool',
      labelNames: ['pool'],
      registers,
      collect() {
        for (const [pool, { waitingCount }] of poolsOf(db)) this.set({ pool }, waitingCount);
      },
    });
    // One query per scrape feeds both outbox gauges: the registry collects every metric at once. A pool
    // saturated (when metrics matter most) could keep it waiting past the scrape's own timeout: after
    // BACKLOG_WAIT_MS the last figures known are served; unreachable, no outbox series (marked stale).
    type BacklogRow = { channel: string; status: string; messages: number; age: number };
    let reading: Promise<BacklogRow[] | null> | null = null;
    let lastKnown: BacklogRow[] | null = null;
    const backlogRows = () =>
      (reading ??= new Promise<BacklogRow[] | null>(resolve => {
        const timer = setTimeout(() => resolve(lastKnown), BACKLOG_WAIT_MS);
        db.query<BacklogRow[]>(OUTBOX_BACKLOG)
          .then(
            rows => resolve((lastKnown = rows)),
            () => resolve(null),
          )
          .finally(() => clearTimeout(timer));
      }).finally(() => {
        reading = null;
      }));
    new Gauge({
      name: 'mentor_outbox_backlog_messages',
      help: 'Outbox messages not delivered yet, by channel and status (pending; held: no transport configured)',
      labelNames: ['channel', 'status'],
      registers,
      async collect() {
        this.reset();
        const rows = await backlogRows();
        for (const channel of rows ? outboxChannels : []) {
          for (const status of ['PENDING', 'HELD']) {
            this.set({ channel, status: status.toLowerCase() }, rows!.find(row => row.channel === channel && row.status === status)?.messages ?? 0);
          }
        }
      },
    });
    new Gauge({
      name: 'mentor_outbox_oldest_message_age_seconds',
      help: 'Age of the oldest undelivered outbox message, by channel (0: none)',
      labelNames: ['channel'],
      registers,
      async collect() {
        this.reset();
        const rows = await backlogRows();
        for (const channel of rows ? outboxChannels : []) {
          this.set({ channel }, Math.max(0, ...rows!.filter(row => row.channel === channel).map(row => row.age)));
        }
      },
    });
  }

  /** Called once a request's answer is sent. */
  requestFinished(trace: RequestTrace, seconds: number): void {
    const operation = this.operations.of(trace.operation ?? 'unknown');
    this.duration.observe({ operation }, seconds);
    if (trace.sqlStatements !== undefined) this.statements.observe({ operation }, trace.sqlStatements);
    for (const { kind, code } of trace.errors ?? []) {
      this.errors.inc({ kind, code: /^[A-Z][A-Z0-9_]{0,49}$/.test(code) ? this.errorCodes.of(code) : 'OTHER' });
    }
    if (trace.cache) this.cache.inc({ result: trace.cache });
  }

  /** The text Prometheus scrapes, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
