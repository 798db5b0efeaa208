import { mkdir } from 'node:fs/promises';
import { PGliteSessionQueue } from './pglite-session-queue';

export interface EmbeddedPostgres {
  /** A postgres:// URL on a loopback port: the app reaches PGlite through the ordinary `pg` driver. */
  readonly url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** A directory that keeps the data across restarts, or undefined for an in-memory database. */
  dataDir?: string;
  /** A `dumpDataDir()` snapshot to start from (in-memory databases only). */
  snapshot?: Blob;
  /** How many pool connections the socket accepts; keep TypeORM's pool size at most this. */
  maxConnections: number;
}

/**
 * Starts PGlite in this process behind a PostgreSQL wire-protocol socket, so that the embedded and
 * the real database share one code path (TypeORM's `postgres` driver over TCP).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  // Loaded lazily: PGlite ships ESM-only entry points and costs a second to load.
  const { PGlite } = await import('@electric-sql/pglite');
  const { unaccent } = await import('@electric-sql/pglite/contrib/unaccent');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { pgcrypto } = await import('@electric-sql/pglite/contrib/pgcrypto');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');

  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.snapshot,
    extensions: { unaccent, pg_trgm, pgcrypto },
  });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: options.maxConnections });
  // The server hands its queue to each connection it accepts: replaced before the first one.
  Object.assign(server, { queryQueue: new PGliteSessionQueue(db) });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** An empty in-memory database, dumped: starting from it is three times faster than a fresh init. */
export async function snapshotEmptyDatabase(): Promise<Blob> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  const snapshot = await db.dumpDataDir('none');
  await db.close();
  return snapshot;
}
