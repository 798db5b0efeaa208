import { GraphQLError } from 'graphql';
import type { AuthChecker } from 'type-graphql';
import type { Role } from '../accounts/accounts.enums';
import type { Context } from '../context';

function unauthenticated(): GraphQLError {
  return new GraphQLError('Connectez-vous pour cette opération.', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function forbidden(): GraphQLError {
  return new GraphQLError('Vos droits ne permettent pas cette opération.', { extensions: { code: 'FORBIDDEN' } });
}

/**
 * The one role check of the API (`@Authorized(...)` on resolvers): nobody signed in is
 * UNAUTHENTICATED; a user without any of the roles, or an API client, is FORBIDDEN. `@Authorized()`
 * without roles means any signed-in user. The roles are read from the database (one loader query
 * per request), not from the token: a revoked role stops working at once. Partner scopes and
 * object rights are checked in services.
 */
export const authChecker: AuthChecker<Context, Role> = async ({ context }, roles) => {
  const { viewer } = context;
  if (viewer.userId === null && viewer.client === null) throw unauthenticated();
  if (viewer.userId === null) throw forbidden();
  if (roles.length === 0) return true;
  const grants = await context.loaders.grantsByUser.load(viewer.userId);
  if (!grants.some(grant => roles.includes(grant.role))) throw forbidden();
  return true;
};
