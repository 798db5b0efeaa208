import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as TypeOrmLogger } from 'typeorm';
import type { Logger } from 'pino';

interface StatementTally {
  count: number;
}

const currentTally = new AsyncLocalStorage<StatementTally>();

/** Runs `work` while counting the SQL statements it sends, across loaders and nested resolvers. */
export function countStatements<T>(work: (tally: StatementTally) => T): T {
  const tally = { count: 0 };
  return currentTally.run(tally, () => work(tally));
}

/** Counts a statement sent outside TypeORM (prepared statements go straight to the pool). */
export function countStatement(): void {
  const tally = currentTally.getStore();
  if (tally) tally.count += 1;
}

/** TypeORM logger: counts every statement for the current request and sends SQL to pino at debug level. */
export class StatementCountingLogger implements TypeOrmLogger {
  constructor(private readonly pino: Logger) {}

  logQuery(query: string): void {
    const tally = currentTally.getStore();
    if (tally) tally.count += 1;
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
