import { createHash, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ClientIdentity, Grant } from './viewer';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const REFRESH_TOKEN_DAYS = 30;
const ISSUER = 'mentor-api';
const AUDIENCE = 'mentor-api';
const ALGORITHM = 'HS256';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface AccessClaims {
  userId: string;
  grants: Grant[];
  client: ClientIdentity | null;
}

/** A user's access token, carrying their role grants (a change takes effect at the next refresh). */
export function signAccessToken(secret: string, userId: string, grants: Grant[]): string {
  return jwt.sign({ grants }, secret, { algorithm: ALGORITHM, expiresIn: ACCESS_TOKEN_SECONDS, issuer: ISSUER, audience: AUDIENCE, subject: userId });
}

/** An API client's access token: its partner and scopes. */
export function signClientToken(secret: string, client: ClientIdentity): string {
  return jwt.sign({ client: { partnerId: client.partnerId, scopes: client.scopes } }, secret, {
    algorithm: ALGORITHM,
    expiresIn: ACCESS_TOKEN_SECONDS,
    issuer: ISSUER,
    audience: AUDIENCE,
    subject: client.id,
  });
}

/** The claims of a valid token, or null for anything forged, tampered, expired or meant for another audience. */
export function verifyAccessToken(secret: string, token: string): AccessClaims | null {
  try {
    const payload = jwt.verify(token, secret, { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE });
    if (typeof payload !== 'object' || typeof payload.sub !== 'string' || !UUID.test(payload.sub)) return null;
    const client = payload.client as { partnerId: string; scopes: string[] } | undefined;
    return {
      userId: payload.sub,
      grants: Array.isArray(payload.grants) ? (payload.grants as Grant[]) : [],
      client: client ? { id: payload.sub, partnerId: client.partnerId, scopes: client.scopes } : null,
    };
  } catch {
    return null;
  }
}

/** An opaque refresh token and the hash under which it is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
