import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown>; path?: string[] }[] };
  /** SQL statements the request sent (the `x-sql-statements` header). */
  statements: number;
}

/** A user error as the helpers select it (`userErrors { field code message }`). */
export interface UserErrorView {
  field: string[] | null;
  code: string;
  message: string;
}

/** A connection as a query selects it: `edges { node { … } }`; add `totalCount` or `pageInfo` where selected. */
export interface Edges<N> {
  edges: { node: N }[];
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

/** The nodes of a connection, in order. */
export const nodes = <N>(connection: Edges<N>): N[] => connection.edges.map(edge => edge.node);

/** The ids of a connection's nodes, in order. */
export const nodeIds = (connection: Edges<{ id: string }>): string[] => nodes(connection).map(node => node.id);

export interface TestApp {
  app: App;
  database: TestDatabase;
  /** Origin of the HTTP server, e.g. http://localhost:40123 */
  origin: string;
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** `gql` for an answer that must carry no errors (a failure shows them): its `data`. */
  data<T>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<T>;
  /** Runs SQL directly against the app's database (for arranging states the API cannot create yet). */
  sql<T = any>(query: string, parameters?: unknown[]): Promise<T[]>;
  /** Stops the app and drops its database; idempotent. */
  stop(): Promise<void>;
}

/** Boots the app on a fresh test database (or on `env.DATABASE_URL`, which the caller then owns). */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = env.DATABASE_URL === undefined ? await createTestDatabase() : { url: env.DATABASE_URL, drop: async () => undefined };
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mentor-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATA_DIR: dataDir,
    DEMO_DATA: 'true',
    DATABASE_URL: database.url,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    // Test files sign many people in from one address; the budget has its own test.
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    // Test files send thousands of requests from one address and a few users: budgets no file reaches
    // (the accounting still runs, as in production); the limits have their own test.
    RATE_LIMIT_USER_POINTS_PER_HOUR: '100000000',
    RATE_LIMIT_CLIENT_POINTS_PER_HOUR: '100000000',
    RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: '100000000',
    // Test files register hundreds of people: argon2 at 1 MiB and 1 pass (the tests of hashing's cost set
    // `standard`); allowed in the test environment only, so files starting a production app hash for real.
    ...((env.NODE_ENV ?? 'test') === 'test' && { PASSWORD_HASHING: 'fast' }),
    ...env,
  });
  const app = await createApp(config).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    if (env.DATABASE_URL === undefined) await database.drop();
    throw error;
  });
  const origin = app.url.replace(/\/graphql$/, '');
  let stopped: Promise<void> | null = null;
  const gql: TestApp['gql'] = async (query, variables, headers) => {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as GraphQLResponse['body'],
      statements: Number(response.headers.get('x-sql-statements') ?? NaN),
    };
  };
  return {
    app,
    database,
    origin,
    gql,
    async data<T>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
      const { body } = await gql<T>(query, variables, headers);
      expect(body.errors).toBeUndefined();
      return body.data as T;
    },
    sql: (query, parameters) => app.database.dataSource.query(query, parameters),
    stop() {
      stopped ??= (async () => {
        await app.stop();
        await database.drop();
        await rm(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
