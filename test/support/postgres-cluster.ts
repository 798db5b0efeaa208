import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from './ports';

const run = promisify(execFile);
/** The newest PostgreSQL installed from Debian's packages (as .ci/run picks the server to start). */
const BIN = path.join(
  '/usr/lib/postgresql',
  readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))[0] ?? '15',
  'bin',
);

/**
 * A throw-away PostgreSQL 15 cluster of the machine's binaries, for tests that restart, pause or
 * replicate a server: never the machine's own server, which other test files share. Run as the
 * `postgres` OS user (PostgreSQL refuses root; the tests run as root, as CI does, to switch to it), in a temporary directory, on a free port of
 * 127.0.0.1 with trust authentication; fsync off (nothing here has to survive a crash of the machine).
 */
export interface PostgresCluster {
  readonly port: number;
  readonly dataDir: string;
  /** postgres://postgres@127.0.0.1:port/database */
  url(database?: string): string;
  /** Runs one statement as the superuser and returns its rows. */
  sql<T = Record<string, unknown>>(text: string, values?: unknown[], database?: string): Promise<T[]>;
  /** `pg_ctl restart -m fast`: every connection is cut, the server is back when this resolves. */
  restart(): Promise<void>;
  /** The two halves of a restart, for a test to watch the outage in between: `pg_ctl stop -m fast`… */
  halt(): Promise<void>;
  /** …and `pg_ctl start` with the same settings. */
  resume(): Promise<void>;
  /** Stops the server at once and deletes its files; idempotent, never throws. */
  stop(): Promise<void>;
}

let postgresUser: { uid: number; gid: number } | null = null;

async function asPostgres(dir: string, command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('runuser', ['-u', 'postgres', '--', path.join(BIN, command), ...args], { cwd: dir, env: { PATH: process.env.PATH, LC_ALL: 'C' } });
    return stdout;
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr || stdout || (error as Error).message}`);
  }
}

/** A directory of the postgres user, made under the system's temporary directory. */
async function postgresDirectory(prefix: string): Promise<string> {
  postgresUser ??= await (async () => {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
  })();
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await chown(dir, postgresUser.uid, postgresUser.gid);
  return dir;
}

/** Settings for a test server: loopback only, its own socket directory, quick rather than durable (fsync off; commits still flushed, so a standby gets them at once), ready to stream to a standby. */
function serverOptions(port: number, root: string): string {
  return [
    `-p ${port}`,
    "-c listen_addresses='127.0.0.1'",
    `-c unix_socket_directories='${root}'`,
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c wal_level=replica',
    '-c max_wal_senders=4',
    '-c hot_standby=on',
    '-c max_connections=60',
    '-c shared_buffers=32MB',
  ].join(' ');
}

async function serve(root: string, port: number): Promise<PostgresCluster> {
  const dataDir = path.join(root, 'data');
  const log = path.join(root, 'server.log');
  const pgCtl = (...args: string[]) => asPostgres(root, 'pg_ctl', ['-D', dataDir, '-l', log, ...args]);
  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      await pgCtl('-m', 'immediate', '-w', 'stop').catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    })());
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const start = () => pgCtl('-o', serverOptions(port, root), '-w', '-t', '30', 'start');
  try {
    await start();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port,
    dataDir,
    url,
    async sql<T>(text: string, values: unknown[] = [], database = 'postgres') {
      const client = new Client({ connectionString: url(database) });
      await client.connect();
      try {
        return (await client.query(text, values)).rows as T[];
      } finally {
        await client.end();
      }
    },
    async restart() {
      await pgCtl('-m', 'fast', '-w', '-t', '30', 'restart');
    },
    async halt() {
      await pgCtl('-m', 'fast', '-w', '-t', '30', 'stop');
    },
    async resume() {
      await start();
    },
    stop,
  };
}

/** A fresh primary: `initdb` (trust, UTF-8, C locale, no sync) and start, in a second or two. */
export async function startCluster(): Promise<PostgresCluster> {
  const root = await postgresDirectory('mentor-pg-');
  try {
    await asPostgres(root, 'initdb', ['-D', path.join(root, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return serve(root, await freePort());
}

/**
 * A hot standby of `primary`, streaming from it: `pg_basebackup -R -X stream` (writes the standby
 * signal and `primary_conninfo`), then started on a port of its own. Read-only; replays what the
 * primary commits, unless paused with `pg_wal_replay_pause()`.
 */
export async function startReplica(primary: PostgresCluster): Promise<PostgresCluster> {
  const root = await postgresDirectory('mentor-pg-replica-');
  try {
    await asPostgres(root, 'pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', path.join(root, 'data'), '-R', '-X', 'stream', '-c', 'fast', '--no-sync']);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return serve(root, await freePort());
}

/** Waits until the replica has replayed everything the primary has written so far. */
export async function caughtUp(primary: PostgresCluster, replica: PostgresCluster, timeoutMs = 10_000): Promise<void> {
  const [{ lsn }] = await primary.sql<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ done }] = await replica.sql<{ done: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done', [lsn]);
    if (done) return;
    if (Date.now() > deadline) throw new Error(`replica not caught up with ${lsn} after ${timeoutMs} ms`);
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}
