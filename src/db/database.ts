import path from 'node:path';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { createDataSource, type DataSourceOptions } from './data-source';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { runPendingMigrations } from './migrate';
import { prepareStatementsIfSafe } from './named-query';

/** Connections per process; the embedded socket accepts as many. */
const POOL_SIZE = 10;

export interface Database {
  readonly dataSource: DataSource;
  readonly embedded: boolean;
  close(): Promise<void>;
}

/** Connects to the configured PostgreSQL (or starts the embedded one) and applies pending migrations. */
export async function openDatabase(config: Config, log: Logger, entities: DataSourceOptions['entities']): Promise<Database> {
  let embedded: EmbeddedPostgres | null = null;
  if (config.databaseUrl === null) {
    const dataDir = path.join(config.dataDir, 'pglite');
    embedded = await startEmbeddedPostgres({ dataDir, maxConnections: POOL_SIZE });
    log.info({ dataDir }, 'embedded PostgreSQL (PGlite) started');
  }
  const dataSource = createDataSource({ url: config.databaseUrl ?? embedded!.url, poolSize: POOL_SIZE, log, entities });
  try {
    await dataSource.initialize();
    await prepareStatementsIfSafe(dataSource);
    await runPendingMigrations(dataSource);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    dataSource,
    embedded: embedded !== null,
    async close() {
      await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
