import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { AuthBudgetStore } from '../accounts/auth-budget-store';
import { createContext, type AttestationIssuer, type Context, type RequestTrace } from '../context';
import { migrationsApplied } from '../db/migrate';
import { countStatements } from '../db/statement-counter';
import { LIMITS } from '../graphql/limits';
import { HttpError, readJsonBody } from './request-body';
import { clientAddressOf } from './client-address';
import type { CachedResponse, ResponseCache } from './response-cache';
import { viewerOf } from './request-viewer';
import type { HttpRoute } from './http-route';

export interface HttpServerDeps {
  apollo: ApolloServer<Context>;
  db: DataSource;
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
  outbox: Context['outbox'];
  appUrl: string;
  /** The domains' plain-HTTP endpoints (exports, files). */
  routes: readonly HttpRoute[];
}

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

async function readiness(db: DataSource): Promise<{ ready: boolean; reason?: string }> {
  try {
    await db.query('SELECT 1');
    return (await migrationsApplied(db)) ? { ready: true } : { ready: false, reason: 'migrations pending' };
  } catch {
    return { ready: false, reason: 'database unreachable' };
  }
}

async function handleGraphQL(req: IncomingMessage, res: ServerResponse, deps: HttpServerDeps, trace: RequestTrace) {
  const body = req.method === 'POST' ? await readJsonBody(req, LIMITS.maxBodyBytes) : undefined;
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = new URL(req.url ?? '/', 'http://localhost');

  const { response, statements, cacheKey } = await countStatements(async tally => {
    const cacheKey = (await deps.responseCache?.keyOf(req, url.search, body)) ?? null;
    const cached = cacheKey === null ? undefined : await deps.responseCache!.get(cacheKey);
    return { response: cached ? fromCache(cached) : await execute(), statements: tally, cacheKey: cached ? null : cacheKey };
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  if (cacheKey !== null) res.setHeader('x-cache', 'miss');
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    if (deps.exposeStatementCount) res.setHeader('x-sql-statements', String(statements.count));
    trace.sqlStatements = statements.count;
    res.end(response.body.string);
    if (cacheKey !== null) await deps.responseCache!.offer(cacheKey, res.statusCode, Object.fromEntries(response.headers), response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();

  function execute() {
    return deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method!.toUpperCase(), headers, search: url.search, body },
      context: async () => contextOf(req, deps, trace),
    });
  }
}

/** The request's context: who asks (from the bearer token), loaders, and what services need. */
function contextOf(req: IncomingMessage, deps: HttpServerDeps, trace: RequestTrace): Context {
  const { requestId } = trace;
  return createContext({
    requestId,
    trace,
    log: deps.log.child({ requestId }),
    db: deps.db,
    viewer: viewerOf(req, deps.jwtSecret),
    jwtSecret: deps.jwtSecret,
    attestationIssuer: deps.attestationIssuer,
    onCatalogueCommit: () => deps.responseCache?.committed(),
    outbox: deps.outbox,
    appUrl: deps.appUrl,
    authBudget: { address: clientAddressOf(req, deps.trustProxy), perMinute: deps.authRateLimitPerMinute, store: deps.authBudgetStore },
  });
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
  if (path === '/graphql') return handleGraphQL(req, res, deps, trace);
  if (path === '/healthz' && req.method === 'GET') return sendJson(res, 200, { status: 'ok' });
  if (path === '/readyz' && req.method === 'GET') {
    const { ready, reason } = await readiness(deps.db);
    return sendJson(res, ready ? 200 : 503, ready ? { status: 'ready' } : { status: 'unavailable', reason });
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
      const url = new URL(req.url ?? '/', 'http://localhost');
      try {
        return await candidate.handle({ req, res, url, params: match.slice(1), context: () => contextOf(req, deps, trace) });
      } catch (error) {
        return refuseRoute(res, error);
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
function refuseRoute(res: ServerResponse, error: unknown): void {
  let status: number;
  let code: string;
  if (error instanceof HttpError) [status, code] = [error.status, error.code ?? (error.status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST')];
  else if (error instanceof GraphQLError) {
    code = String(error.extensions.code);
    status = (error.extensions.http as { status?: number } | undefined)?.status ?? HTTP_STATUS_OF[code] ?? 400;
  } else throw error;
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
      deps.log.info(
        {
          requestId,
          method: req.method,
          // Without the query string: GET variables may carry credentials.
          path: (req.url ?? '').split('?')[0],
          status: res.statusCode,
          operationName: trace.operationName,
          sqlStatements: trace.sqlStatements,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    route(req, res, deps, trace).catch((error: unknown) => {
      if (error instanceof HttpError) {
        sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: 'BAD_REQUEST' } }] });
        return;
      }
      deps.log.error({ err: error, requestId }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.end();
    });
  };
  const server = createServer(handle);
  // `Expect: 100-continue`: a route that decides from the headers (an upload over the limit) refuses before the body is sent.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (!deps.routes.some(known => known.decidesContinue && known.method === req.method && known.path.test(path))) res.writeContinue();
    handle(req, res);
  });
  return server;
}
