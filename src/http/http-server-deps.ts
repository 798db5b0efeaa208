import type { ApolloServer } from '@apollo/server';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { AuthBudgetStore } from '../accounts/auth-budget-store';
import type { AttestationIssuer, Context } from '../context';
import type { ReplicaSet } from '../db/replica-reads';
import type { Explorer } from './explorer';
import type { HttpRoute } from './http-route';
import type { ApiMetrics } from './metrics';
import type { RateLimiter } from './rate-limit';
import type { ResponseCache } from './response-cache';

/** What the HTTP server is built from (app.ts): the GraphQL server, the database, the budgets, the routes. */
export interface HttpServerDeps {
  apollo: ApolloServer<Context>;
  db: DataSource;
  /** DATABASE_REPLICA_URLS: the public catalogue's reads during query operations go there. */
  replicas?: ReplicaSet | null;
  log: Logger;
  jwtSecret: string;
  attestationIssuer: AttestationIssuer;
  /** Reports SQL statements per request in `x-sql-statements` (development and tests; the benchmark reads it). */
  exposeStatementCount: boolean;
  /** Answers to anonymous catalogue reads; none: every request is executed. */
  responseCache: ResponseCache | null;
  /** Secret-checking operations per client address and minute, and how many proxies to trust for that address. */
  authRateLimitPerMinute: number;
  trustProxy: number;
  /** Where that budget is counted: Redis or PostgreSQL, shared by every process either way. */
  authBudgetStore: AuthBudgetStore;
  /** The points budgets of GraphQL requests and plain routes (per user, API client, address), shared by every process. */
  rateLimiter: RateLimiter;
  outbox: Context['outbox'];
  appUrl: string;
  /** The domains' plain-HTTP endpoints (exports, files). */
  routes: readonly HttpRoute[];
  /** This process's metrics (`GET /metrics`): told of every finished request. */
  metrics?: Pick<ApiMetrics, 'requestFinished'> | null;
  /** GraphiQL, when it is served (GRAPHIQL): a browser's `GET /graphql` answers its page. */
  explorer?: Explorer | null;
}
