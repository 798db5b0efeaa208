import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { AuthBudgetStore } from '../accounts/auth-budget-store';
import { createContext, type AttestationIssuer, type Context, type RequestTrace } from '../context';
import { migrationsApplied } from '../db/migrate';
import type { ReplicaSet } from '../db/replica-reads';
import { countStatements } from '../db/statement-counter';
import { LIMITS } from '../graphql/limits';
import { DATABASE_UNAVAILABLE, databaseUnavailable } from '../graphql/errors';
import { HttpError, readJsonBody } from './request-body';
import { clientAddressOf } from './client-address';
import { versionOfKey, type CachedResponse, type ResponseCache } from './response-cache';
import { viewerOf } from './request-viewer';
import { CACHE_HIT_POINTS, type RateLimiter, type RequestBudget } from './rate-limit';
import type { HttpRoute } from './http-route';
import { wantsExplorer, type Explorer } from './explorer';
import { routeLabel, routePattern, type ApiMetrics } from './metrics';

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
  /** The points budgets of GraphQL requests (per user, API client, address), shared by every process. */
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

const KEEP_ALIVE_MS = 65_000;

const HTTP_STATUS_OF: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404 };

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
}

/** Paths answered by this file itself, beside /graphql and the domains' routes. */
const FIXED_PATHS = ['/healthz', '/readyz', '/.well-known/jwks.json'];

/** The `extensions.code` of each error of a GraphQL answer's body. */
function errorCodesOf(body: string): NonNullable<RequestTrace['errors']> {
  try {
    const { errors } = JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] };
    return (errors ?? []).map(error => ({ kind: 'graphql', code: String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') }));
  } catch {
    return [];
  }
}

async function readiness(db: DataSource): Promise<{ ready: boolean; reason?: string }> {
  try {
    await db.query('SELECT 1');
    return (await migrationsApplied(db)) ? { ready: true } : { ready: false, reason: 'migrations pending' };
  } catch {
    return { ready: false, reason: 'database unreachable' };
  }
}

/**
 * The primary decides readiness; replicas are reported beside it: with one down, reads that may lag
 * go to the primary, so the process still serves everything.
 */
async function readinessReport(deps: HttpServerDeps): Promise<{ status: number; body: Record<string, unknown> }> {
  const [{ ready, reason }, replicas] = await Promise.all([readiness(deps.db), deps.replicas?.status()]);
  const body = ready ? { status: 'ready' } : { status: 'unavailable', reason };
  return { status: ready ? 200 : 503, body: replicas ? { ...body, replicas } : body };
}

async function handleGraphQL(req: IncomingMessage, res: ServerResponse, deps: HttpServerDeps, trace: RequestTrace) {
  const body = req.method === 'POST' ? await readJsonBody(req, LIMITS.maxBodyBytes) : undefined;
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = new URL(req.url ?? '/', 'http://localhost');

  const budget = deps.rateLimiter.forRequest(clientAddressOf(req, deps.trustProxy));
  const { response, statements, cacheKey } = await countStatements(async tally => {
    const cacheKey = (await deps.responseCache?.keyOf(req, url.search, body)) ?? null;
    const cached = cacheKey === null ? undefined : await deps.responseCache!.get(cacheKey);
    if (cacheKey !== null) trace.cache = cached ? 'hit' : 'miss';
    if (cached?.operation) trace.operation = cached.operation;
    return { response: cached ? await fromCacheWithin(budget, cached) : await execute(cacheKey), statements: tally, cacheKey: cached ? null : cacheKey };
  });
  await budget.settle();
  for (const [key, value] of response.headers) res.setHeader(key, value);
  // After Apollo's headers, and never in what the response cache keeps: they are this caller's.
  for (const [key, value] of budget.headers()) res.setHeader(key, value);
  if (cacheKey !== null) res.setHeader('x-cache', 'miss');
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    if (deps.exposeStatementCount) {
      res.setHeader('x-sql-statements', String(statements.count));
      res.setHeader('x-sql-statements-rate-limit', String(budget.statements));
    }
    trace.sqlStatements = statements.count;
    // Refused before any plugin ran (a bad token, CSRF): the codes are in the body only, which is short then.
    if (res.statusCode >= 400 && !trace.errors?.length) trace.errors = errorCodesOf(response.body.string);
    res.end(response.body.string);
    if (cacheKey !== null) await deps.responseCache!.offer(cacheKey, res.statusCode, Object.fromEntries(response.headers), response.body.string, trace.operation);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();

  function execute(cacheKey: string | null) {
    // An answer to be cached under a version must not come from a replica behind it (see LaggingReads).
    const minCatalogueVersion = cacheKey === null ? null : versionOfKey(cacheKey);
    return deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method!.toUpperCase(), headers, search: url.search, body },
      context: async () => contextOf(req, deps, trace, minCatalogueVersion, budget),
    });
  }
}

/** The request's context: who asks (from the bearer token), loaders, and what services need. */
function contextOf(req: IncomingMessage, deps: HttpServerDeps, trace: RequestTrace, minCatalogueVersion: bigint | null = null, rateBudget?: RequestBudget): Context {
  const { requestId } = trace;
  const viewer = viewerOf(req, deps.jwtSecret);
  rateBudget?.identify(viewer);
  return createContext({
    replicas: deps.replicas,
    minCatalogueVersion,
    requestId,
    trace,
    log: deps.log.child({ requestId }),
    db: deps.db,
    viewer,
    jwtSecret: deps.jwtSecret,
    attestationIssuer: deps.attestationIssuer,
    onCatalogueCommit: () => deps.responseCache?.committed(),
    outbox: deps.outbox,
    appUrl: deps.appUrl,
    authBudget: { address: clientAddressOf(req, deps.trustProxy), perMinute: deps.authRateLimitPerMinute, store: deps.authBudgetStore },
    rateBudget,
  });
}

/** A cached answer costs its caller `CACHE_HIT_POINTS`; past the budget, the refusal instead. */
async function fromCacheWithin(budget: RequestBudget, cached: CachedResponse): Promise<HTTPGraphQLResponse> {
  try {
    await budget.spend(CACHE_HIT_POINTS);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const { http, ...extensions } = error.extensions as { http?: { status?: number } };
    const headers = new HeaderMap([['content-type', 'application/json; charset=utf-8']]);
    return { status: http?.status ?? 429, headers, body: { kind: 'complete', string: JSON.stringify({ errors: [{ message: error.message, extensions }] }) } };
  }
  return fromCache(cached);
}

/** A cached answer in the shape Apollo gives its own, marked as a hit. */
function fromCache(cached: CachedResponse): HTTPGraphQLResponse {
  const headers = new HeaderMap(Object.entries(cached.headers));
  headers.set('x-cache', 'hit');
  // How old the answer is (RFC 9111 §5.1): a CDN or a browser counts its max-age from computation, not from this hit.
  headers.set('age', String(Math.max(0, Math.floor((Date.now() - cached.storedAt) / 1000))));
  return { status: 200, headers, body: { kind: 'complete', string: cached.body } };
}

async function route(req: IncomingMessage, res: ServerResponse, deps: HttpServerDeps, trace: RequestTrace) {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/graphql') {
    trace.operation = routeLabel(req.method, path); // until the GraphQL operation is known
    if (deps.explorer && wantsExplorer(req)) {
      trace.operation = routeLabel(req.method, '/graphql (GraphiQL)');
      try {
        return await deps.explorer.servePage(res);
      } catch (error) {
        return refuseRoute(res, error, trace); // an explorer that could not be bundled: 503, in the routes' shape
      }
    }
    return handleGraphQL(req, res, deps, trace);
  }
  trace.operation = routeLabel(req.method, FIXED_PATHS.includes(path) ? path : '(unmatched)');
  if (path === '/healthz' && req.method === 'GET') return sendJson(res, 200, { status: 'ok' });
  if (path === '/readyz' && req.method === 'GET') {
    const { status, body } = await readinessReport(deps);
    return sendJson(res, status, body);
  }
  if (path === '/.well-known/jwks.json' && req.method === 'GET') {
    // Verifiers may cache the keys a while; a rotation keeps the retired key published.
    res.setHeader('cache-control', 'public, max-age=300');
    // Public keys: any site's verifier may fetch them from a browser.
    res.setHeader('access-control-allow-origin', '*');
    return sendJson(res, 200, deps.attestationIssuer.keys.jwks);
  }
  for (const candidate of deps.routes) {
    const match = candidate.method === req.method ? candidate.path.exec(path) : null;
    if (match) {
      trace.operation = routeLabel(req.method, routePattern(candidate.path));
      const url = new URL(req.url ?? '/', 'http://localhost');
      try {
        return await candidate.handle({ req, res, url, params: match.slice(1), context: () => contextOf(req, deps, trace) });
      } catch (error) {
        return refuseRoute(res, error, trace);
      }
    }
  }
  sendJson(res, 404, { error: 'Not found', routes: ['/graphql', '/healthz', '/readyz', '/.well-known/jwks.json', ...deps.routes.map(known => `${known.method} ${known.path.source}`)] });
}

/**
 * A route's refusal as the contract has it for plain-HTTP routes, `{ "error": { code, message } }`:
 * HttpError (404 unknown, 400 malformed), or a GraphQLError from the request's context or a service
 * (UNAUTHENTICATED 401, FORBIDDEN 403). Anything else is left to the server's 500.
 */
function refuseRoute(res: ServerResponse, error: unknown, trace: RequestTrace): void {
  let status: number;
  let code: string;
  if (error instanceof HttpError) [status, code] = [error.status, error.code ?? (error.status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST')];
  else if (error instanceof GraphQLError) {
    code = String(error.extensions.code);
    status = (error.extensions.http as { status?: number } | undefined)?.status ?? HTTP_STATUS_OF[code] ?? 400;
  } else throw error;
  (trace.errors ??= []).push({ kind: 'http', code });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { error: { code, message: error.message } });
}

/** Node's HTTP server: the GraphQL endpoint, health probes and one structured log line per request. */
export function createHttpServer(deps: HttpServerDeps): Server {
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    const trace: RequestTrace = { requestId: requestIdOf(req) };
    const { requestId } = trace;
    res.setHeader('x-request-id', requestId);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.metrics?.requestFinished(trace, seconds);
      deps.log.info(
        {
          requestId,
          method: req.method,
          // Without the query string: GET variables may carry credentials.
          path: (req.url ?? '').split('?')[0],
          status: res.statusCode,
          operationName: trace.operationName,
          sqlStatements: trace.sqlStatements,
          durationMs: seconds * 1e3,
        },
        'request',
      );
    });
    route(req, res, deps, trace).catch((error: unknown) => {
      (trace.errors ??= []).push({ kind: 'graphql', code: error instanceof HttpError ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' });
      if (error instanceof HttpError) {
        sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: 'BAD_REQUEST' } }] });
        return;
      }
      if (databaseUnavailable(error)) {
        // Down, restarting, past statement_timeout, no connection free in time: the client may retry.
        deps.log.warn({ err: error, requestId }, 'database unavailable');
        if (!res.headersSent) sendJson(res, 503, { errors: [{ message: DATABASE_UNAVAILABLE, extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
        else res.end();
        return;
      }
      deps.log.error({ err: error, requestId }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.end();
    });
  };
  const server = createServer(handle);
  // Idle keep-alive connections outlive a proxy's or client's own idle timeout (nginx keeps upstream
  // connections 60 s): a server closing first races the next request sent on the same socket, which
  // the client sees reset (seen under load with Node's 5 s default).
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  // `Expect: 100-continue`: a route that decides from the headers (an upload over the limit) refuses before the body is sent.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (!deps.routes.some(known => known.decidesContinue && known.method === req.method && known.path.test(path))) res.writeContinue();
    handle(req, res);
  });
  return server;
}
