import path from 'node:path';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { createDataSource, type DataSourceOptions } from './data-source';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { runPendingMigrations } from './migrate';
import { prepareStatements } from './named-query';
import { reachableReplicas, ReplicaSet } from './replica-reads';

/** Connections per process; the embedded socket accepts as many. */
const POOL_SIZE = 10;

export interface Database {
  readonly dataSource: DataSource;
  readonly embedded: boolean;
  readonly url: string;
  /**
   * Whether each connection has a session of its own: false on PGlite (embedded, or reached
   * through its socket as in the tests), whose connections share one. Prepared statements and
   * notifications need their own sessions.
   */
  readonly separateSessions: boolean;
  /** DATABASE_REPLICA_URLS, where reads that may lag go; null when none is configured. */
  readonly replicas: ReplicaSet | null;
  close(): Promise<void>;
}

/** Two connections at once: the same backend means one shared session (PGlite). */
async function sessionsAreSeparate(db: DataSource): Promise<boolean> {
  const [first, second] = await Promise.all([db.createQueryRunner(), db.createQueryRunner()]);
  try {
    const pids = await Promise.all([first, second].map(async runner => (await runner.query('SELECT pg_backend_pid() AS pid'))[0].pid));
    return pids[0] !== pids[1];
  } finally {
    await Promise.all([first.release(), second.release()]);
  }
}

/** Connects to the configured PostgreSQL (or starts the embedded one) and applies pending migrations. */
export async function openDatabase(config: Config, log: Logger, entities: DataSourceOptions['entities']): Promise<Database> {
  let embedded: EmbeddedPostgres | null = null;
  if (config.databaseUrl === null) {
    const dataDir = path.join(config.dataDir, 'pglite');
    embedded = await startEmbeddedPostgres({ dataDir, maxConnections: POOL_SIZE });
    log.info({ dataDir }, 'embedded PostgreSQL (PGlite) started');
  }
  const url = config.databaseUrl ?? embedded!.url;
  const replicaUrls = config.databaseReplicaUrls;
  const attached = replicaUrls.length > 0 ? await reachableReplicas(replicaUrls) : [];
  const dataSource = createDataSource({ url, replicaUrls: attached, poolSize: POOL_SIZE, statementTimeoutMs: config.databaseStatementTimeoutMs, log, entities });
  let separateSessions = false;
  let replicas: ReplicaSet | null = null;
  try {
    await dataSource.initialize();
    if (replicaUrls.length > 0) replicas = new ReplicaSet(dataSource, replicaUrls, attached, log);
    separateSessions = await sessionsAreSeparate(dataSource);
    if (separateSessions) prepareStatements(dataSource);
    await runPendingMigrations(dataSource);
  } catch (error) {
    replicas?.stop();
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    dataSource,
    embedded: embedded !== null,
    url,
    separateSessions,
    replicas,
    async close() {
      replicas?.stop();
      await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
