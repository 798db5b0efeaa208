import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { RequestTrace } from '../context';
import { DATABASE_UNAVAILABLE, databaseUnavailable } from '../graphql/errors';
import { contextOf, handleGraphQL } from './graphql-endpoint';
import type { HttpServerDeps } from './http-server-deps';
import { clientAddressOf } from './client-address';
import { HttpError } from './request-body';
import { viewerOf } from './request-viewer';
import { readinessReport } from './readiness';
import { wantsExplorer } from './explorer';
import { routeLabel, routePattern } from './metrics';

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
        await spendRoutePoints(req, res, deps, candidate.points ?? 1);
        return await candidate.handle({ req, res, url, params: match.slice(1), context: () => contextOf(req, deps, trace) });
      } catch (error) {
        return refuseRoute(res, error, trace);
      }
    }
  }
  sendJson(res, 404, { error: 'Not found', routes: ['/graphql', '/healthz', '/readyz', '/.well-known/jwks.json', ...deps.routes.map(known => `${known.method} ${known.path.source}`)] });
}

/**
 * A route's request spends its points from its caller's budget before it runs, as a GraphQL
 * request does, and says so in the same headers; past the budget, TOO_MANY_REQUESTS (429). A token
 * that does not verify leaves the address to pay: the route refuses the token itself if it reads it.
 */
async function spendRoutePoints(req: IncomingMessage, res: ServerResponse, deps: HttpServerDeps, points: number): Promise<void> {
  if (points === 0) return;
  const budget = deps.rateLimiter.forRequest(clientAddressOf(req, deps.trustProxy));
  try {
    budget.identify(viewerOf(req, deps.jwtSecret));
  } catch {
    // the address pays
  }
  try {
    await budget.spend(points);
  } finally {
    for (const [key, value] of budget.headers()) res.setHeader(key, value);
  }
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
