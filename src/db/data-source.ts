import type { Logger } from 'pino';
import { DataSource, type DataSourceOptions as OrmOptions } from 'typeorm';
import { migrations } from '../../migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { StatementCountingLogger } from './statement-counter';

export interface DataSourceOptions {
  url: string;
  /** Hot standbys of `url` (TypeORM's replication): used only where a query runner or pool is asked for them, never by default. */
  replicaUrls?: readonly string[];
  poolSize: number;
  /**
   * PostgreSQL's statement_timeout on every pooled connection, also the longest wait for a free
   * connection (pg-pool's connectionTimeoutMillis): a stuck database fails requests, it does not
   * pile them up. Unset (the CLI, the benchmark's generator): no limit.
   */
  statementTimeoutMs?: number;
  log: Logger;
  /** The domains' entities (`src/entities.ts`): the data layer knows none of them itself. */
  entities: NonNullable<OrmOptions['entities']>;
}

export function createDataSource({ url, replicaUrls = [], poolSize, statementTimeoutMs, log, entities }: DataSourceOptions): DataSource {
  const options = ['-c max_parallel_workers_per_gather=0', ...(statementTimeoutMs ? [`-c statement_timeout=${statementTimeoutMs}`] : [])];
  return new DataSource({
    type: 'postgres',
    // defaultMode master: nothing reads from a replica unless asked (TypeORM's default sends every SELECT there).
    ...(replicaUrls.length > 0 ? { replication: { master: { url }, slaves: replicaUrls.map(replica => ({ url: replica })), defaultMode: 'master' as const } } : { url }),
    ...(statementTimeoutMs && { connectTimeoutMS: statementTimeoutMs }),
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
    extra: { options: options.join(' ') },
  });
}
