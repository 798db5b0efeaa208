import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { verifyAccessToken } from '../auth/tokens';
import { ANONYMOUS, type Viewer } from '../auth/viewer';

/**
 * No `Authorization` header means anonymous. A header with a token that does not verify (forged,
 * tampered, `alg: none`, expired, wrong audience) is refused outright, never read as anyone.
 */
export function viewerOf(req: IncomingMessage, jwtSecret: string): Viewer {
  const header = req.headers.authorization;
  if (header === undefined || header.trim() === '') return ANONYMOUS;
  const token = /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1];
  const viewer = token ? verifyAccessToken(jwtSecret, token) : null;
  if (!viewer) {
    throw new GraphQLError('Jeton d’accès invalide ou expiré.', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
  return Object.freeze(viewer);
}
