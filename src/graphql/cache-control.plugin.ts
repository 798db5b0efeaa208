import type { ApolloServerPlugin } from '@apollo/server';
import type { OperationDefinitionNode } from 'graphql';
import type { Context } from '../context';
import { cachePolicyOf, type CachePolicy } from './cache-control';

/**
 * Sets `Cache-Control` on every GraphQL answer from the operation's hints: `public, max-age=N` for
 * anonymous reads whose every field allows it, `private, no-store` for anything asked with a token
 * (a shared cache must never keep what a signed-in user sees), `no-store` otherwise. Policies are
 * kept per parsed operation: Apollo reuses the parsed document of a query it has seen.
 */
export function cacheControlHeaders(): ApolloServerPlugin<Context> {
  const policies = new WeakMap<OperationDefinitionNode, CachePolicy>();
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, document, operation, contextValue, schema }) {
          const headers = response.http.headers;
          headers.set('vary', [headers.get('vary'), 'authorization'].filter(Boolean).join(', '));
          const viewer = contextValue?.viewer;
          if (!viewer || viewer.userId !== null || viewer.client !== null) {
            headers.set('cache-control', 'private, no-store');
            return;
          }
          const failed = response.body.kind !== 'single' || (response.body.singleResult.errors?.length ?? 0) > 0;
          if (!document || !operation || failed) {
            headers.set('cache-control', 'no-store');
            return;
          }
          let policy = policies.get(operation);
          if (!policy) policies.set(operation, (policy = cachePolicyOf(schema, document, operation)));
          headers.set('cache-control', policy.maxAge > 0 && policy.scope === 'PUBLIC' ? `public, max-age=${policy.maxAge}` : 'no-store');
        },
      };
    },
  };
}
