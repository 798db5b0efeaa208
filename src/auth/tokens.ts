import { createHash, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const REFRESH_TOKEN_DAYS = 30;
const ISSUER = 'mentor-api';
const AUDIENCE = 'mentor-api';
const ALGORITHM = 'HS256';

export interface AccessClaims {
  userId: string;
}

/** A short-lived access token; algorithm, issuer and audience are pinned again on verification. */
export function signAccessToken(secret: string, claims: AccessClaims): string {
  return jwt.sign({}, secret, {
    algorithm: ALGORITHM,
    expiresIn: ACCESS_TOKEN_SECONDS,
    issuer: ISSUER,
    audience: AUDIENCE,
    subject: claims.userId,
  });
}

/** The claims of a valid token, or null for anything forged, tampered, expired or meant for another audience. */
export function verifyAccessToken(secret: string, token: string): AccessClaims | null {
  try {
    const payload = jwt.verify(token, secret, { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE });
    return typeof payload === 'object' && typeof payload.sub === 'string' ? { userId: payload.sub } : null;
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
