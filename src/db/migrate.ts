import { MigrationExecutor, type DataSource } from 'typeorm';

// An arbitrary constant: every Mentor process takes the same advisory lock before migrating.
const MIGRATION_LOCK_KEY = 724_466_101;

// PGlite is a single session behind its socket, where advisory locks are re-entrant: apps sharing
// one process also queue here.
let inProcessQueue: Promise<unknown> = Promise.resolve();

/**
 * Runs pending migrations under a session-level advisory lock, so that two API processes starting
 * together on one database never run the same migration twice: the second waits, then finds none.
 */
export function runPendingMigrations(dataSource: DataSource): Promise<void> {
  const run = inProcessQueue.then(() => migrateUnderAdvisoryLock(dataSource));
  inProcessQueue = run.catch(() => undefined);
  return run;
}

async function migrateUnderAdvisoryLock(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // No statement_timeout (DATABASE_STATEMENT_TIMEOUT_MS) here: waiting for another process's
    // migrations, or rewriting a large table, may rightly take longer than any request.
    await runner.query('SET statement_timeout = 0');
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      await executor.executePendingMigrations();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.query('RESET statement_timeout').catch(() => undefined);
    await runner.release();
  }
}

/** True when the database is reachable and every migration this build knows is applied. */
export async function migrationsApplied(dataSource: DataSource): Promise<boolean> {
  return !(await dataSource.showMigrations());
}
