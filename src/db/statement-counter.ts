import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as TypeOrmLogger } from 'typeorm';
import type { Logger } from 'pino';

interface StatementTally {
  count: number;
}

const currentTally = new AsyncLocalStorage<StatementTally>();

/** A statement as sent to PostgreSQL: its text and positional values. */
export interface SentStatement {
  text: string;
  values: readonly unknown[];
}

const watchers = new Set<(statement: SentStatement) => void>();

/**
 * Shows `watcher` every statement sent for a request (those `countStatements` counts), until the
 * returned function is called: how the cost model's test reads back what an operation ran, to
 * measure its database time.
 */
export function watchStatements(watcher: (statement: SentStatement) => void): () => void {
  watchers.add(watcher);
  return () => watchers.delete(watcher);
}

function sent(statement: SentStatement): void {
  const tally = currentTally.getStore();
  if (tally) for (const watcher of watchers) watcher(statement);
}

/** Runs `work` while counting the SQL statements it sends, across loaders and nested resolvers. */
export function countStatements<T>(work: (tally: StatementTally) => T): T {
  const tally = { count: 0 };
  return currentTally.run(tally, () => work(tally));
}

/**
 * Runs `work` outside any request's count, and so does everything it schedules: a background loop
 * woken by a request (the outbox's sender) must not have its statements counted as the request's.
 */
export function apartFromRequests<T>(work: () => T): T {
  return currentTally.exit(work);
}

/** Counts a statement sent outside TypeORM (prepared statements go straight to the pool). */
export function countStatement(statement: SentStatement): void {
  const tally = currentTally.getStore();
  if (tally) tally.count += 1;
  sent(statement);
}

/** TypeORM logger: counts every statement for the current request and sends SQL to pino at debug level. */
export class StatementCountingLogger implements TypeOrmLogger {
  constructor(private readonly pino: Logger) {}

  logQuery(query: string, parameters?: unknown[] | object): void {
    const tally = currentTally.getStore();
    if (tally) tally.count += 1;
    sent({ text: query, values: Array.isArray(parameters) ? parameters : [] });
    this.pino.debug({ sql: query }, 'sql');
  }

  logQueryError(error: string | Error, query: string): void {
    this.pino.warn({ err: error, sql: query }, 'sql error');
  }

  logQuerySlow(time: number, query: string): void {
    this.pino.warn({ durationMs: time, sql: query }, 'slow sql');
  }

  logSchemaBuild(message: string): void {
    this.pino.debug(message);
  }

  logMigration(message: string): void {
    this.pino.info(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.pino.warn({ message }, 'typeorm');
    else this.pino.debug({ message }, 'typeorm');
  }
}
