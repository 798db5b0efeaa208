import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function createEmbedded(factoryUrl: string): Promise<TestDatabase> {
  const response = await fetch(`${factoryUrl}/databases`, { method: 'POST' });
  if (!response.ok) throw new Error(`embedded test database: ${response.status} ${await response.text()}`);
  const { id, url } = (await response.json()) as { id: string; url: string };
  return {
    url,
    async drop() {
      await fetch(`${factoryUrl}/databases/${id}`, { method: 'DELETE' });
    },
  };
}

async function onServer<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createReal(serverUrl: string): Promise<TestDatabase> {
  const name = `mentor_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await onServer(serverUrl, client => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onServer(serverUrl, client => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** A fresh, empty database for one test file: on the real server when DATABASE_URL is set, else embedded. */
export function createTestDatabase(): Promise<TestDatabase> {
  const factory = process.env.MENTOR_TEST_DB_FACTORY;
  if (process.env.DATABASE_URL) return createReal(process.env.DATABASE_URL);
  if (factory) return createEmbedded(factory);
  throw new Error('no test database: run the tests through Jest (globalSetup) or set DATABASE_URL');
}
