import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrations } from '../../migrations';
import { finished, spawnApi, stopProcess, whenReady } from '../support/processes';
import { createTestDatabase } from '../support/test-database';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'mentor-process-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

test.each([
  [{ PORT: 'abc' }, 'Invalid configuration: PORT must be an integer between 0 and 65535 (got "abc")'],
  [{ DATABASE_URL: 'not a url' }, 'Invalid configuration: DATABASE_URL is not a URL (expected postgres://user:password@host:5432/database)'],
  [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }, 'Invalid configuration: DATABASE_URL is required when NODE_ENV=production (the embedded database is for development)'],
])('a bad configuration %p stops the start with exit code 1 and one line', async (env, line) => {
  const result = await finished(spawnApi({ DATA_DIR: dataDir, ...env }));
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(`${line}\n`);
});

test('SIGTERM: the process finishes, closes its database and exits 0', async () => {
  const database = await createTestDatabase();
  const child = spawnApi({ DATABASE_URL: database.url, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  try {
    const url = await whenReady(child);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ collections { slug } }' }),
    });
    expect(((await response.json()) as { data: { collections: unknown[] } }).data.collections).toHaveLength(12);
    expect(await stopProcess(child)).toBe(0);
  } finally {
    child.kill('SIGKILL');
    await database.drop();
  }
});

// Embedded PostgreSQL lives inside one process, so only a shared server can be raced by two processes
// (the test factory's PGlite is a single session, where advisory locks are re-entrant).
const onSharedServer = process.env.DATABASE_URL ? test : test.skip;

onSharedServer('two API processes starting together on one database apply each migration once', async () => {
  const database = await createTestDatabase();
  const env = { DATABASE_URL: database.url, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DEMO_DATA: 'true' };
  const children = [spawnApi(env), spawnApi(env)];
  try {
    await Promise.all(children.map(child => whenReady(child)));
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; times: number }>('SELECT name, count(*)::int AS times FROM migrations GROUP BY name');
      expect(rows).toHaveLength(migrations.length);
      expect(rows.filter(row => row.times !== 1)).toEqual([]);
      const { rows: [demo] } = await client.query('SELECT count(*)::int AS trainings, count(DISTINCT slug)::int AS slugs FROM training');
      expect(demo.trainings).toBe(demo.slugs);
      expect(demo.trainings).toBeGreaterThanOrEqual(34);
    } finally {
      await client.end();
    }
    expect(await Promise.all(children.map(stopProcess))).toEqual([0, 0]);
  } finally {
    children.forEach(child => child.kill('SIGKILL'));
    await database.drop();
  }
});
