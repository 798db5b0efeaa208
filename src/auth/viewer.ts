import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { verifyAccessToken } from './tokens';

/** Who is calling: a signed-in user, or nobody. */
export interface Viewer {
  readonly userId: string | null;
}

export const ANONYMOUS: Viewer = Object.freeze({ userId: null });

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
  return Object.freeze({ userId: claims.userId });
}
