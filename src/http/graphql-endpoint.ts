import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { createContext, type Context, type RequestTrace } from '../context';
import { countStatements } from '../db/statement-counter';
import { LIMITS } from '../graphql/limits';
import { clientAddressOf } from './client-address';
import type { HttpServerDeps } from './http-server-deps';
import { CACHE_HIT_POINTS, type RequestBudget } from './rate-limit';
import { readJsonBody } from './request-body';
import { viewerOf } from './request-viewer';
import { versionOfKey, type CachedResponse } from './response-cache';

/** The `extensions.code` of each error of a GraphQL answer's body. */
function errorCodesOf(body: string): NonNullable<RequestTrace['errors']> {
  try {
    const { errors } = JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] };
    return (errors ?? []).map(error => ({ kind: 'graphql', code: String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') }));
  } catch {
    return [];
  }
}

/** POST or GET /graphql: from the response cache when it holds the answer, else executed by Apollo; the caller's budget spent either way. */
export async function handleGraphQL(req: IncomingMessage, res: ServerResponse, deps: HttpServerDeps, trace: RequestTrace) {
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
export function contextOf(req: IncomingMessage, deps: HttpServerDeps, trace: RequestTrace, minCatalogueVersion: bigint | null = null, rateBudget?: RequestBudget): Context {
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
