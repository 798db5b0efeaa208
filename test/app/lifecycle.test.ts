import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrations } from '../../migrations';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { App } from '../../src/app';
import { stopOnSignals } from '../../src/shutdown';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';

let api: TestApp;
beforeAll(async () => {
  api = await startTestApp();
});
afterAll(() => api.stop());

test('/healthz answers while the process is up; /readyz when the database is reachable and migrated', async () => {
  const health = await fetch(`${api.origin}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${api.origin}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ready' });
});

test('/readyz is 503 while a migration is pending', async () => {
  const [last] = await api.sql('SELECT * FROM migrations ORDER BY id DESC LIMIT 1');
  await api.sql('DELETE FROM migrations WHERE id = $1', [last.id]);
  try {
    const response = await fetch(`${api.origin}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'unavailable', reason: 'migrations pending' });
  } finally {
    await api.sql('INSERT INTO migrations (id, timestamp, name) VALUES ($1, $2, $3)', [last.id, last.timestamp, last.name]);
  }
});

test('an unexpected database error reaches the client masked: no SQL, no stack', async () => {
  await api.sql('ALTER TABLE tour_step RENAME TO tour_step_away');
  try {
    const { body } = await api.gql('{ tour { id } }');
    expect(body.errors).toEqual([{ message: 'Internal server error', locations: expect.any(Array), path: ['tour'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(JSON.stringify(body)).not.toMatch(/tour_step|relation|SELECT/);
  } finally {
    await api.sql('ALTER TABLE tour_step_away RENAME TO tour_step');
  }
});

test('two apps starting together in one process on one database migrate and load the demo once', async () => {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mentor-race-'));
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir, DEMO_DATA: 'true', DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
  const apps = await Promise.all([createApp(config), createApp(config)]);
  try {
    const db = apps[0].database.dataSource;
    const applied: { name: string; times: number }[] = await db.query('SELECT name, count(*)::int AS times FROM migrations GROUP BY name');
    expect(applied).toHaveLength(migrations.length);
    expect(applied.filter(row => row.times !== 1)).toEqual([]);
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM training`);
    const [{ slugs }] = await db.query(`SELECT count(DISTINCT slug)::int AS slugs FROM training`);
    expect(slugs).toBe(count);
    expect(count).toBeGreaterThanOrEqual(34);
  } finally {
    await Promise.all(apps.map(app => app.stop()));
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('SIGTERM in development stops the app and exits 0 (no other handler races it)', async () => {
  const development = await startTestApp({ NODE_ENV: 'development' });
  const exited = new Promise<number>(resolve => {
    const unsubscribe = stopOnSignals(development.app, development.app.log, code => {
      unsubscribe();
      resolve(code);
    });
  });
  try {
    expect(process.listenerCount('SIGTERM')).toBe(1);
    process.emit('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${development.origin}/healthz`)).rejects.toThrow();
  } finally {
    await development.stop();
  }
});

test('a stop that hangs past 9.5 s exits anyway, unclean (an orchestrator would kill it soon after)', () => {
  jest.useFakeTimers();
  try {
    const codes: number[] = [];
    const hanging = { stop: () => new Promise<void>(() => undefined) } as unknown as App;
    const unsubscribe = stopOnSignals(hanging, api.app.log, code => codes.push(code));
    try {
      process.emit('SIGTERM');
      jest.advanceTimersByTime(9_000);
      expect(codes).toEqual([]);
      jest.advanceTimersByTime(600);
      expect(codes).toEqual([1]);
    } finally {
      unsubscribe();
    }
  } finally {
    jest.useRealTimers();
  }
});

// Last: it stops this file's app.
test('graceful shutdown: stop refuses new connections but lets an in-flight request finish', async () => {
  const locker = new Client({ connectionString: api.database.url });
  await locker.connect();
  try {
    // Hold the FAQ table so that a request reading it stays in flight until we let go.
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE faq_entry IN ACCESS EXCLUSIVE MODE');
    const inFlight = api.gql<{ faq: { question: string }[] }>('{ faq { question } }');
    await new Promise(resolve => setTimeout(resolve, 300));
    let stopped = false;
    const stopping = api.app.stop().then(() => {
      stopped = true;
    });
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(stopped).toBe(false);
    await expect(fetch(`${api.origin}/healthz`)).rejects.toThrow();

    await locker.query('COMMIT');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.body.data?.faq.length).toBeGreaterThan(0);
    await stopping;
    expect(stopped).toBe(true);
  } finally {
    await locker.end();
  }
});
