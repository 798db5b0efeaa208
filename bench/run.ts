import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { prepareEnrolmentRace, type RaceCheck } from './enrolment-race';
import { generateInto, type GenerateReport } from './generate';
import { describeImports, importFailures, runImportInProcess, runImportWorkload, type ImportMeasure } from './import-workload';
import { anonymousCatalogue, workloads, type Request, type Workload } from './workloads';

interface AutocannonInstance extends PromiseLike<{ requests: { total: number }; duration: number; non2xx: number; errors: number }> {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, responseTimeMs: number) => void): void;
}
// autocannon ships no types; this is the part of its API the benchmark uses.
const autocannon: (options: object) => AutocannonInstance = require('autocannon');

const ROOT = path.resolve(__dirname, '..', '..');

interface Measure {
  workload: string;
  target: 'api' | 'floor';
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p95: number; p99: number };
  failedResponses: number;
  sqlStatementsPerRequest: { min: number; max: number } | null;
  serverRssMiB: number;
  /** Share of answers served from the response cache (W5). */
  cacheHits?: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return Number(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)].toFixed(2));
}

function rssMiB(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

function startServer(script: string, env: Record<string, string>, readyPattern: RegExp): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', script)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', chunk => {
      output += chunk;
      const ready = readyPattern.exec(output);
      if (ready) resolve({ child, url: ready[1] });
    });
    child.once('exit', code => reject(new Error(`${script} exited with ${code}: ${output}`)));
  });
}

/** Requests in rotation per connection, or — `next` — one shared sequence that every connection draws from. */
type Requests = Request[] | { next(): Request };

async function load(origin: string, requests: Requests, seconds: number, connections: number, child: ChildProcess, label: Omit<Measure, 'requests' | 'requestsPerSecond' | 'latencyMs' | 'failedResponses' | 'sqlStatementsPerRequest' | 'serverRssMiB'>): Promise<Measure> {
  const latencies: number[] = [];
  const statements: number[] = [];
  let failed = 0;
  let hits = 0;
  // A substring test rather than JSON.parse: the load generator shares the cores with the server.
  const onResponse = (status: number, body: string, _context: unknown, headers: Record<string, string>) => {
    if (status !== 200 || body.includes('"errors":[')) failed += 1;
    if (headers['x-sql-statements'] !== undefined) statements.push(Number(headers['x-sql-statements']));
    if (headers['x-cache'] === 'hit') hits += 1;
  };
  const toAutocannon = (request: Request) => ({
    method: 'POST',
    path: request.path,
    headers: { 'content-type': 'application/json', ...request.headers },
    body: request.body,
  });
  const sequence = Array.isArray(requests)
    ? requests.map(request => ({ ...toAutocannon(request), onResponse }))
    : [{ method: 'POST', setupRequest: () => toAutocannon(requests.next()), onResponse }];
  const instance = autocannon({ url: origin, connections, duration: seconds, requests: sequence });
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await instance;
  latencies.sort((a, b) => a - b);
  return {
    ...label,
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.total / seconds),
    latencyMs: { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
    failedResponses: failed + result.errors + result.non2xx,
    sqlStatementsPerRequest: statements.length ? { min: Math.min(...statements), max: Math.max(...statements) } : null,
    serverRssMiB: rssMiB(child),
    ...(hits > 0 && { cacheHits: Number((hits / Math.max(result.requests.total, 1)).toFixed(4)) }),
  };
}

interface SoakReport {
  seconds: number;
  requests: number;
  failedResponses: number;
  /** The API's resident memory every 10 s. */
  rssMiB: number[];
}

/** Mixed catalogue reads for `seconds`, the API's memory sampled every 10 s: it must stay flat. */
async function soakTest(api: { url: string; child: ChildProcess }, all: Workload[], seconds: number, connections: number): Promise<SoakReport | null> {
  if (seconds <= 0) return null;
  const requests = all.flatMap(workload => workload.api.slice(0, 100));
  const rssMiBs = [rssMiB(api.child)];
  const timer = setInterval(() => rssMiBs.push(rssMiB(api.child)), 10_000);
  try {
    const measure = await load(api.url, requests, seconds, connections, api.child, { workload: 'soak', target: 'api' });
    rssMiBs.push(measure.serverRssMiB);
    console.log(`soak: ${measure.requestsPerSecond} req/s for ${seconds} s, ${measure.failedResponses} failed, RSS MiB ${rssMiBs.join(' ')}`);
    return { seconds, requests: measure.requests, failedResponses: measure.failedResponses, rssMiB: rssMiBs };
  } finally {
    clearInterval(timer);
  }
}

/**
 * The load spent the bench address's hourly budget (in `rate_budget`, without REDIS_URL): a server
 * started on this database within the hour with the default limits (peer-bench's) would be refused.
 */
async function forgetRateBudgets(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('DELETE FROM rate_budget');
  } catch (error) {
    // Run in `finally`: a failure here must not hide the workload's own.
    console.error(`rate budgets not forgotten: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function catalogueState(url: string): Promise<{ trainings: number; slugs: string[]; postgres: string }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: [{ count }] } = await client.query(`SELECT count(*)::int AS count FROM training`).catch(() => ({ rows: [{ count: 0 }] }));
    const { rows: slugs } = count
      ? await client.query(`SELECT slug FROM training WHERE status = 'PUBLISHED' ORDER BY md5(slug) LIMIT 200`)
      : { rows: [] };
    const { rows: [{ server_version }] } = await client.query('SHOW server_version');
    return { trainings: count, slugs: slugs.map(row => row.slug), postgres: server_version };
  } finally {
    await client.end();
  }
}

function markdown(measures: Measure[], ratios: Record<string, number>, race: (RaceCheck & { seconds: number }) | null): string {
  const lines = [
    '| workload | server | req/s | p50 ms | p90 ms | p95 ms | p99 ms | SQL/request | RSS MiB | failed |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...measures.map(m => {
      const sql = m.sqlStatementsPerRequest
        ? m.sqlStatementsPerRequest.min === m.sqlStatementsPerRequest.max ? `${m.sqlStatementsPerRequest.min}` : `${m.sqlStatementsPerRequest.min}–${m.sqlStatementsPerRequest.max}`
        : '—';
      return `| ${m.workload} | ${m.target} | ${m.requestsPerSecond} | ${m.latencyMs.p50} | ${m.latencyMs.p90} | ${m.latencyMs.p95} | ${m.latencyMs.p99} | ${sql} | ${m.serverRssMiB} | ${m.failedResponses} |`;
    }),
    '',
    ...Object.entries(ratios).map(([workload, ratio]) => `${workload}: API throughput = ${(ratio * 100).toFixed(0)}% of the floor`),
    ...measures.filter(m => m.cacheHits !== undefined).map(m => `${m.workload}: ${(m.cacheHits! * 100).toFixed(1)}% of the answers from the response cache`),
    race
      ? `W4: ${race.enrolments} enrolments in ${race.sessions} sessions in ${race.seconds} s (${Math.round(race.enrolments / race.seconds)} enrolments/s): ` +
        `${race.confirmed} confirmed, ${race.waitlisted} waiting; overbooked sessions ${race.overbooked}, broken lines ${race.brokenLines}, duplicates ${race.duplicates}`
      : 'W4: not run',
  ];
  return lines.join('\n');
}

const ALL_WORKLOADS = 'W1,W2,W3,W4,W5,import';

/** W5: a second API, its response cache on (in Redis when REDIS_URL is set), sent the W1 pages as anonymous visitors. */
async function measureCachedPages(env: Record<string, string>, jwtSecret: string, seconds: number, connections: number): Promise<Measure> {
  const redis: Record<string, string> = process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {};
  const cached = await startServer('src/main.js', { ...env, NODE_ENV: 'test', DEMO_DATA: 'false', JWT_SECRET: jwtSecret, ...redis }, /Mentor API ready at (\S+)\/graphql/);
  try {
    const w5 = anonymousCatalogue();
    await load(cached.url, w5.api, 2, connections, cached.child, { workload: w5.id, target: 'api' }); // warm-up: fills the cache
    const measure = await load(cached.url, w5.api, seconds, connections, cached.child, { workload: w5.id, target: 'api' });
    console.log(`W5 api: ${measure.requestsPerSecond} req/s, p99 ${measure.latencyMs.p99} ms, ${measure.failedResponses} failed, ${((measure.cacheHits ?? 0) * 100).toFixed(1)}% from the cache`);
    return measure;
  } finally {
    cached.child.kill('SIGTERM');
  }
}

/** The import workload, on the API under test, its checks read from the database. */
async function measureImports(databaseUrl: string, apiUrl: string, jwtSecret: string): Promise<ImportMeasure[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const imports: ImportMeasure[] = (await runImportWorkload(`${apiUrl}/graphql`, async (query, parameters) => (await client.query(query, parameters)).rows, jwtSecret)).map(m => ({ ...m, database: 'PostgreSQL' }));
    // The same on a fresh embedded database: the budget holds for both.
    imports.push(...(await runImportInProcess()));
    console.log(describeImports(imports).join('\n'));
    return imports;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      trainings: { type: 'string', default: '10000' },
      'sessions-per-training': { type: 'string', default: '6' },
      users: { type: 'string', default: '100000' },
      enrolments: { type: 'string', default: '1000000' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '8' },
      /** Seconds of mixed catalogue reads (W1, W2, W3) after W4, sampling the API's memory: 0 skips it. */
      soak: { type: 'string', default: '0' },
      /** A comma-separated choice among W1,W2,W3,W4,W5,import (all by default): to measure one change quickly. */
      only: { type: 'string', default: ALL_WORKLOADS },
    },
  });
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('npm run bench needs DATABASE_URL: an empty (or previously benchmarked) PostgreSQL database, e.g.\n  createdb mentor_bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentor_bench npm run bench');
    process.exit(2);
  }
  const trainings = Number(values.trainings);
  const seconds = Number(values.duration);
  const connections = Number(values.connections);
  const chosen = new Set(values.only.split(','));

  let state = await catalogueState(databaseUrl);
  let generated: GenerateReport | null = null;
  if (state.trainings === 0) {
    generated = await generateInto(databaseUrl, {
      trainings,
      sessionsPerTraining: Number(values['sessions-per-training']),
      users: Number(values.users),
      enrolments: Number(values.enrolments),
    });
    console.log(
      `generated ${generated.trainings} trainings, ${generated.sessions} sessions, ${generated.users} agents and ${generated.enrolments} enrolments in ${generated.seconds.toFixed(1)} s`,
    );
    state = await catalogueState(databaseUrl);
  } else {
    console.log(`reusing the ${state.trainings} trainings already in the database`);
  }

  // Budgets the load cannot exhaust from one address: the accounting runs (and is measured) as in production, never refuses.
  const limits = { RATE_LIMIT_USER_POINTS_PER_HOUR: '2000000000', RATE_LIMIT_CLIENT_POINTS_PER_HOUR: '2000000000', RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: '2000000000' };
  const env = { DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'warn', ...limits };
  // W4 signs agents' tokens with the API's own secret.
  const jwtSecret = randomBytes(32).toString('base64url');
  // W1–W4 measure the API itself: its response cache is off; W5 measures the cache, in a second API process.
  const api = await startServer('src/main.js', { ...env, NODE_ENV: 'test', DEMO_DATA: 'false', JWT_SECRET: jwtSecret, RESPONSE_CACHE: 'false' }, /Mentor API ready at (\S+)\/graphql/);
  const floor = await startServer('bench/floor.js', env, /Floor ready at (\S+)/);
  const measures: Measure[] = [];
  let enrolment: (RaceCheck & { seconds: number }) | null = null;
  let soak: SoakReport | null = null;
  let imports: ImportMeasure[] = [];
  try {
    for (const workload of workloads(state.slugs).filter(workload => chosen.has(workload.id))) {
      const targets = [{ target: 'api' as const, server: api, requests: workload.api }];
      if (workload.floor) targets.push({ target: 'floor' as never, server: floor, requests: workload.floor });
      for (const { target, server, requests } of targets) {
        await load(server.url, requests, 2, connections, server.child, { workload: workload.id, target }); // warm-up
        const measure = await load(server.url, requests, seconds, connections, server.child, { workload: workload.id, target });
        console.log(`${workload.id} ${target}: ${measure.requestsPerSecond} req/s, p95 ${measure.latencyMs.p95} ms, ${measure.failedResponses} failed`);
        measures.push(measure);
      }
    }
    if (chosen.has('W4')) {
      const race = await prepareEnrolmentRace(databaseUrl, jwtSecret);
      const w4 = await load(api.url, race, seconds, connections, api.child, { workload: 'W4', target: 'api' });
      enrolment = { ...(await race.check()), seconds };
      console.log(`W4 api: ${w4.requestsPerSecond} req/s, p95 ${w4.latencyMs.p95} ms, ${w4.failedResponses} failed; ${JSON.stringify(enrolment)}`);
      measures.push(w4);
    }
    soak = await soakTest(api, workloads(state.slugs), Number(values.soak), connections);
    if (chosen.has('import')) imports = await measureImports(databaseUrl, api.url, jwtSecret);
  } finally {
    api.child.kill('SIGTERM');
    floor.child.kill('SIGTERM');
    await forgetRateBudgets(databaseUrl);
  }
  try {
    if (chosen.has('W5')) measures.push(await measureCachedPages(env, jwtSecret, seconds, connections));
  } finally {
    await forgetRateBudgets(databaseUrl);
  }

  const rps = (workload: string, target: string) => measures.find(m => m.workload === workload && m.target === target)?.requestsPerSecond ?? NaN;
  const ratios = Object.fromEntries(['W1', 'W3'].map(workload => [workload, rps(workload, 'api') / rps(workload, 'floor')]));
  const report = {
    date: new Date().toISOString(),
    command: `DATABASE_URL=… npm run bench -- --trainings ${trainings} --users ${values.users} --enrolments ${values.enrolments} --duration ${seconds} --connections ${connections}`,
    machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, postgres: state.postgres },
    data: { trainings: state.trainings, generated },
    measures,
    ratios,
    w4: enrolment,
    soak,
    imports,
  };
  const complete = values.only === ALL_WORKLOADS;
  // A partial run (--only) is a quick look: latest.json keeps the last complete one.
  if (complete) {
    await mkdir(path.join(ROOT, 'bench', 'results'), { recursive: true });
    await writeFile(path.join(ROOT, 'bench', 'results', 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  }
  console.log(`\n${markdown(measures, ratios, enrolment)}\n${describeImports(imports).join('\n')}\n\n${complete ? 'written to bench/results/latest.json' : 'a partial run (--only): bench/results/latest.json left as it was'}`);
  // A race in which nobody got in measured refusals, not enrolments (agents unverified, say): a failure too.
  const raceBroken = chosen.has('W4') && (!enrolment || enrolment.enrolments === 0 || enrolment.overbooked + enrolment.brokenLines + enrolment.duplicates > 0);
  const importBroken = importFailures(imports);
  if (importBroken.length > 0) console.error(importBroken.join('\n'));
  if (measures.some(m => m.failedResponses > 0) || raceBroken || (soak?.failedResponses ?? 0) > 0 || importBroken.length > 0) process.exitCode = 1;
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
