import { createConnection, createServer, type Server } from 'node:net';
import type { Pool } from 'pg';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { ReplicaSet } from '../../src/db/replica-reads';
import { freePort } from '../support/ports';
import { eventually } from '../support/smtp';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * A replica that fails is set aside; no request tries it again (a replica still down would hold
 * it up to the pool's connect timeout): a background probe brings it back once it answers.
 * The "replica" here is the test database behind a port that refuses until a relay opens on it.
 */
let database: TestDatabase;
let replicaUrl: string;
let relayPort: number;
let relay: Server | null = null;
let replicas: ReplicaSet;
const pool = { query: jest.fn() } as unknown as Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  relayPort = await freePort();
  const url = new URL(database.url);
  url.hostname = '127.0.0.1';
  url.port = String(relayPort);
  replicaUrl = url.toString();
});
afterAll(async () => {
  replicas?.stop();
  relay?.close(() => undefined);
  await database.drop();
});

function openRelay(): Server {
  const target = new URL(database.url);
  return createServer(client => {
    const server = createConnection(Number(target.port), target.hostname);
    client.pipe(server).pipe(client);
    for (const socket of [client, server]) socket.on('error', () => client.destroy());
  }).listen(relayPort, '127.0.0.1');
}

const failure = (code: string) => Object.assign(new Error(code), { code });

test('set aside after a connection failure, probed in the background while it refuses, used again once it answers', async () => {
  replicas = new ReplicaSet({ driver: { slaves: [pool] } } as unknown as DataSource, [replicaUrl], [replicaUrl], pino({ level: 'silent' }), 50);
  expect(replicas.pick()).toBe(pool);

  expect(replicas.failed(pool, failure('ECONNREFUSED'))).toBe(true);
  expect(replicas.pick()).toBeNull();
  // Past what used to be a fixed cool-down (5 s), with a probe every 50 ms, each refused: still aside.
  await new Promise(resolve => setTimeout(resolve, 5_500));
  expect(replicas.pick()).toBeNull();

  relay = openRelay();
  await eventually(() => replicas.pick() === pool, 5_000);
  // Requests were never sent to it while it was aside: the probes have their own connections.
  expect(pool.query).not.toHaveBeenCalled();
});

test('an error of the statement itself does not set the replica aside', () => {
  const set = new ReplicaSet({ driver: { slaves: [pool] } } as unknown as DataSource, [replicaUrl], [replicaUrl], pino({ level: 'silent' }), 50);
  expect(set.failed(pool, failure('42601'))).toBe(false); // a syntax error: the primary would refuse it too
  expect(set.pick()).toBe(pool);
  set.stop();
});

test('a replica down at start is attached once it answers, with a pool of its own', async () => {
  relay?.close();
  relay = null;
  await new Promise(resolve => setTimeout(resolve, 100));
  const created = { query: jest.fn() } as unknown as Pool;
  const driver = { slaves: [] as Pool[], options: {}, createPool: jest.fn(async () => created) };
  const late = new ReplicaSet({ driver, isInitialized: true } as unknown as DataSource, [replicaUrl], [], pino({ level: 'silent' }), 50);
  try {
    await new Promise(resolve => setTimeout(resolve, 300)); // refused: nothing attached
    expect(late.pick()).toBeNull();
    expect(driver.createPool).not.toHaveBeenCalled();
    relay = openRelay();
    await eventually(() => late.pick() === created, 5_000);
    expect(driver.createPool).toHaveBeenCalledWith({}, { url: replicaUrl });
    expect(driver.slaves).toEqual([created]); // closed with the data source
  } finally {
    late.stop();
  }
});
