import type { Logger } from 'pino';
import { DataSource, type DataSourceOptions as OrmOptions } from 'typeorm';
import { migrations } from '../../migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { StatementCountingLogger } from './statement-counter';

export interface DataSourceOptions {
  url: string;
  poolSize: number;
  log: Logger;
  /** The domains' entities (`src/entities.ts`): the data layer knows none of them itself. */
  entities: NonNullable<OrmOptions['entities']>;
}

export function createDataSource({ url, poolSize, log, entities }: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    // Built-in gen_random_uuid() (PostgreSQL 13+), also in PGlite whose build lacks uuid-ossp.
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    poolSize,
    maxQueryExecutionTime: 500,
    logger: new StatementCountingLogger(log),
    applicationName: 'mentor-api',
    // Short API queries under concurrency: parallel workers cost more than they save (W1 on a
    // 2-core machine went from 15 to 45 req/s). PGlite has no parallel workers and ignores it.
    extra: { options: '-c max_parallel_workers_per_gather=0' },
  });
}
