import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createTestDatabase } from './test-database';

const ROOT = path.resolve(__dirname, '..', '..');
const REGISTER = path.join(__dirname, 'swc-register.js');

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const HIGH_RATE_LIMITS = {
  RATE_LIMIT_USER_POINTS_PER_HOUR: '100000000',
  RATE_LIMIT_CLIENT_POINTS_PER_HOUR: '100000000',
  RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: '100000000',
};

/** Starts `src/main.ts` as a real, separate process with the given environment. */
export function spawnApi(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['-r', REGISTER, path.join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    // Load tests drive API processes from one address: budgets they do not reach, unless `env` sets its own.
    env: { PATH: process.env.PATH, ...HIGH_RATE_LIMITS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves with the URL an API process prints once ready, or rejects with what it printed. */
export function whenReady(child: ChildProcess, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /Mentor API ready at (\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before being ready:\n${output}`));
    });
  });
}

/** Waits for a process to end and collects what it printed. */
export function finished(child: ChildProcess): Promise<ProcessResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', chunk => (stdout += chunk));
  child.stderr!.on('data', chunk => (stderr += chunk));
  return new Promise(resolve => child.once('exit', code => resolve({ code, stdout, stderr })));
}

/** Whether the process still runs: one killed by a signal has no exit code (`signalCode` instead). */
const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

export async function stopProcess(child: ChildProcess): Promise<number | null> {
  if (!running(child)) return child.exitCode;
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

/** API processes sharing one fresh database of the test server, and a client of that database. */
export interface ApiProcesses {
  urls: string[];
  processes: ChildProcess[];
  sql: Client;
  /** SIGTERM to each process; their exit codes. */
  stop(): Promise<(number | null)[]>;
  /** Kills whatever still runs, drops the database and the data directory. */
  remove(): Promise<void>;
}

/**
 * One API process per entry of `envs` (added to a common environment: the database, a shared data
 * directory, the demo catalogue). The first migrates and loads the demo catalogue; the others start
 * on it once it is ready, together.
 */
export async function startApiProcesses(envs: Record<string, string>[]): Promise<ApiProcesses> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mentor-processes-'));
  const common = { DATABASE_URL: database.url, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DEMO_DATA: 'true' };
  const processes: ChildProcess[] = [];
  const sql = new Client({ connectionString: database.url });
  const start = (env: Record<string, string>) => {
    const child = spawnApi({ ...common, ...env });
    processes.push(child);
    return whenReady(child);
  };
  const remove = async () => {
    await sql.end().catch(() => undefined);
    const left = processes.filter(running);
    for (const child of left) child.kill('SIGKILL');
    await Promise.all(left.map(child => (running(child) ? new Promise(resolve => child.once('exit', resolve)) : null)));
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const [first, ...others] = envs;
    const urls = [await start(first), ...(await Promise.all(others.map(start)))];
    await sql.connect();
    return { urls, processes, sql, stop: () => Promise.all(processes.map(stopProcess)), remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
