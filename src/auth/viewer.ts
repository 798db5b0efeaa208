import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Role } from '../accounts/accounts.enums';
import { verifyAccessToken } from './tokens';

export interface Grant {
  role: Role;
  /** The partner (id) a scoped role applies to; null for global roles. */
  partnerId: string | null;
}

/** A partner integration calling with a client token. */
export interface ClientIdentity {
  id: string;
  partnerId: string;
  scopes: string[];
}

/** Who is calling: a signed-in user (with the role grants of their token), an API client, or nobody. */
export interface Viewer {
  readonly userId: string | null;
  readonly grants: readonly Grant[];
  readonly client: ClientIdentity | null;
}

export const ANONYMOUS: Viewer = Object.freeze({ userId: null, grants: [], client: null });

/** Whether `grants` hold `role`, for `partnerId` when given (global grants cover every partner). */
export function grantsInclude(grants: readonly Grant[], role: Role, partnerId?: string | null): boolean {
  return grants.some(grant => grant.role === role && (partnerId === undefined || grant.partnerId === null || grant.partnerId === partnerId));
}

/** Whether the viewer's token holds `role` (see `Context.grants` for the roles held right now). */
export function holds(viewer: Viewer, role: Role, partnerId?: string | null): boolean {
  return grantsInclude(viewer.grants, role, partnerId);
}

/**
 * No `Authorization` header means anonymous. A header with a token that does not verify (forged,
 * tampered, `alg: none`, expired, wrong audience) is refused outright, never read as anyone.
 */
export function viewerOf(req: IncomingMessage, jwtSecret: string): Viewer {
  const header = req.headers.authorization;
  if (header === undefined || header.trim() === '') return ANONYMOUS;
  const token = /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1];
  const claims = token ? verifyAccessToken(jwtSecret, token) : null;
  if (!claims) {
    throw new GraphQLError('Jeton d’accès invalide ou expiré.', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
  return Object.freeze(claims);
}
