import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from '../context';

/** What a route's handler gets: the request, its path's captured groups, and the request's context on demand. */
export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** The path pattern's capture groups. */
  params: string[];
  url: URL;
  /**
   * The request context, as GraphQL resolvers get it (the bearer token's viewer, loaders, rights);
   * a token that does not verify throws UNAUTHENTICATED (answered 401).
   */
  context(): Context;
}

/**
 * A plain-HTTP endpoint beside /graphql (a file, an export), owned by its domain and listed in
 * app.ts. Handlers stream their answer and keep rights in services, as resolvers do.
 */
export interface HttpRoute {
  method: 'GET' | 'HEAD' | 'POST';
  /** Matched against the whole path, without the query string. */
  path: RegExp;
  handle(request: RouteRequest): Promise<void>;
  /**
   * The route answers `Expect: 100-continue` itself (`res.writeContinue()` once it accepts the
   * body), so that a refusal from the headers alone comes before the client sends anything; other
   * routes' clients get `100 Continue` at once.
   */
  decidesContinue?: boolean;
  /**
   * What a request costs from its caller's rate budget (the one GraphQL requests spend: user, API
   * client or address); 1 unless said; 0 for what is not the API's to limit (metrics, static assets).
   */
  points?: number;
}
