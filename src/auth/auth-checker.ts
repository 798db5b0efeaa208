import { GraphQLError } from 'graphql';
import type { AuthChecker } from 'type-graphql';
import { Role } from '../accounts/accounts.enums';
import type { Context } from '../context';

/** What `@Authorized(...)` may name: a user role, or an API client scope (`scope('enrolments:complete')`). */
export type Permission = Role | `scope:${string}`;

export const scope = (name: string): Permission => `scope:${name}`;

function unauthenticated(): GraphQLError {
  return new GraphQLError('Connectez-vous pour cette opération.', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function forbidden(message = 'Vos droits ne permettent pas cette opération.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

/**
 * The one role check of the API (`@Authorized(...)` on resolvers): nobody signed in is
 * UNAUTHENTICATED; a user without any of the roles is FORBIDDEN, and so is an API client unless the
 * operation names one of its scopes and the client is not revoked. `@Authorized()` without roles
 * means any signed-in user. Roles and revocations are read from the database (one loader query
 * per request), not from the token: they apply at once; so does an account's deletion (a
 * token outliving its account is UNAUTHENTICATED). Partner scopes and object rights are checked
 * in services.
 */
export const authChecker: AuthChecker<Context, Permission> = async ({ context }, permissions) => {
  const { viewer } = context;
  if (viewer.userId === null && viewer.client === null) throw unauthenticated();
  if (viewer.client) {
    const scopes = permissions.filter(permission => permission.startsWith('scope:')).map(permission => permission.slice('scope:'.length));
    if (!scopes.some(name => viewer.client!.scopes.includes(name))) throw forbidden();
    if (!(await context.loaders.activeClientById.load(viewer.client.id))) throw forbidden();
    return true;
  }
  if (permissions.length === 0) {
    if (!(await context.loaders.userById.load(viewer.userId!))) throw unauthenticated();
    return true;
  }
  const grants = await context.grants();
  if (!grants.some(grant => permissions.includes(grant.role))) throw forbidden();
  return true;
};
