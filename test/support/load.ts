/** A GraphQL answer that is not one: an HTTP status other than 200, or GraphQL errors (their codes). */
export class RequestFailed extends Error {
  constructor(readonly kind: string) {
    super(kind);
    this.name = 'RequestFailed';
  }
}

/** POSTs one GraphQL operation; `data` of a 200 without errors, else throws RequestFailed naming what came back. */
export async function graphql<T>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  }).catch((error: Error & { cause?: { code?: string } }) => {
    throw new RequestFailed(`fetch ${error.cause?.code ?? error.message}`);
  });
  const text = await response.text();
  let body: { data?: T; errors?: { extensions?: { code?: string } }[] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new RequestFailed(`HTTP ${response.status} (not JSON)`);
  }
  if (body.errors?.length) throw new RequestFailed(`HTTP ${response.status} ${body.errors.map(error => error.extensions?.code ?? 'no code').join(',')}`);
  if (response.status !== 200) throw new RequestFailed(`HTTP ${response.status}`);
  return body.data as T;
}

interface OperationStats {
  ok: number;
  /** Business refusals the load expects (a user error's code): they are answers, not failures. */
  refused: Map<string, number>;
  errors: Map<string, number>;
  latencies: number[];
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

/** Counts and times every operation of a load by type: what succeeded, what was refused (by code), what failed (by kind). */
export class LoadStats {
  private readonly operations = new Map<string, OperationStats>();
  private started = Date.now();
  private ended: number | null = null;

  start(): void {
    this.started = Date.now();
  }

  end(): void {
    this.ended = Date.now();
  }

  get seconds(): number {
    return ((this.ended ?? Date.now()) - this.started) / 1000;
  }

  private of(operation: string): OperationStats {
    let stats = this.operations.get(operation);
    if (!stats) this.operations.set(operation, (stats = { ok: 0, refused: new Map(), errors: new Map(), latencies: [] }));
    return stats;
  }

  /**
   * Runs one operation, timed. `refusal` tells an expected business refusal (a user error code) from a
   * success; a RequestFailed (or anything thrown) is an error. Returns the result, or null on error.
   */
  async measure<T>(operation: string, work: () => Promise<T>, refusal: (result: T) => string | null = () => null): Promise<T | null> {
    const stats = this.of(operation);
    const begun = performance.now();
    try {
      const result = await work();
      stats.latencies.push(performance.now() - begun);
      const code = refusal(result);
      if (code === null) stats.ok += 1;
      else stats.refused.set(code, (stats.refused.get(code) ?? 0) + 1);
      return result;
    } catch (error) {
      stats.latencies.push(performance.now() - begun);
      const kind = error instanceof RequestFailed ? error.kind : `${(error as Error).name}: ${(error as Error).message}`.slice(0, 120);
      stats.errors.set(kind, (stats.errors.get(kind) ?? 0) + 1);
      return null;
    }
  }

  count(operation: string): { ok: number; refused: number; errors: number } {
    const stats = this.of(operation);
    const sum = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);
    return { ok: stats.ok, refused: sum(stats.refused), errors: sum(stats.errors) };
  }

  /** Every error, `operation: kind` → count. */
  errors(): Record<string, number> {
    const all: Record<string, number> = {};
    for (const [operation, stats] of this.operations) for (const [kind, n] of stats.errors) all[`${operation}: ${kind}`] = n;
    return all;
  }

  /** One line per operation type: answers per second, latency percentiles, refusals and errors. */
  summary(): string {
    const seconds = this.seconds;
    const rows = [['operation', 'ok', 'refused', 'errors', 'per s', 'p50 ms', 'p95 ms', 'max ms', 'refusals by code']];
    let total = 0;
    for (const [operation, stats] of [...this.operations].sort(([a], [b]) => a.localeCompare(b))) {
      const sorted = [...stats.latencies].sort((a, b) => a - b);
      const counts = this.count(operation);
      total += sorted.length;
      rows.push([
        operation,
        String(counts.ok),
        String(counts.refused),
        String(counts.errors),
        (sorted.length / seconds).toFixed(1),
        percentile(sorted, 50).toFixed(0),
        percentile(sorted, 95).toFixed(0),
        (sorted.at(-1) ?? NaN).toFixed(0),
        [...stats.refused].map(([code, n]) => `${code} ${n}`).join(', '),
      ]);
    }
    const widths = rows[0].map((_, column) => Math.max(...rows.map(row => row[column].length)));
    const lines = rows.map(row => row.map((cell, column) => (column === 0 || column === 8 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ').trimEnd());
    return [...lines, `${total} requests in ${seconds.toFixed(1)} s: ${(total / seconds).toFixed(1)} per second`].join('\n');
  }
}

/** Runs each loop's body over and over, all at once, until `seconds` have passed; each finishes the iteration under way. */
export async function runFor(seconds: number, loops: (() => Promise<void>)[]): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    loops.map(async body => {
      while (Date.now() < deadline) await body();
    }),
  );
}

export const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
export const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));
