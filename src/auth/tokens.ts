import { createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ClientIdentity, Grant, Viewer } from './viewer';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const REFRESH_TOKEN_DAYS = 30;
const ISSUER = 'mentor-api';
const AUDIENCE = 'mentor-api';
const ALGORITHM = 'HS256';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let signingKey: { secret: string; key: KeyObject } | null = null;

/**
 * The secret as a key object, made once: given a string, jsonwebtoken first tries to read it as a
 * public key and fails with an exception on every call (10% of an enrolment's CPU in a profile).
 */
function keyOf(secret: string): KeyObject {
  if (signingKey?.secret !== secret) signingKey = { secret, key: createSecretKey(Buffer.from(secret, 'utf8')) };
  return signingKey.key;
}

/**
 * A user's access token. It carries their role grants for front ends to read; the API itself reads
 * roles from the database on each request.
 */
export function signAccessToken(secret: string, userId: string, grants: Grant[]): string {
  return jwt.sign({ use: 'user', grants }, keyOf(secret), { algorithm: ALGORITHM, expiresIn: ACCESS_TOKEN_SECONDS, issuer: ISSUER, audience: AUDIENCE, subject: userId });
}

/** An API client's access token: its partner and scopes. */
export function signClientToken(secret: string, client: ClientIdentity): string {
  return jwt.sign({ use: 'client', client: { partnerId: client.partnerId, scopes: client.scopes } }, keyOf(secret), {
    algorithm: ALGORITHM,
    expiresIn: ACCESS_TOKEN_SECONDS,
    issuer: ISSUER,
    audience: AUDIENCE,
    subject: client.id,
  });
}

/** Who a valid token speaks for, or null for anything forged, tampered, expired or meant for another audience. */
export function verifyAccessToken(secret: string, token: string): Viewer | null {
  try {
    const payload = jwt.verify(token, keyOf(secret), { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE });
    if (typeof payload !== 'object' || typeof payload.sub !== 'string' || !UUID.test(payload.sub)) return null;
    // The kind of token is explicit: a client token is never read as a user's, nor the reverse.
    if (payload.use === 'user' && Array.isArray(payload.grants)) {
      return { userId: payload.sub, client: null };
    }
    const client = payload.client as { partnerId?: unknown; scopes?: unknown } | undefined;
    if (payload.use === 'client' && typeof client?.partnerId === 'string' && Array.isArray(client.scopes)) {
      return { userId: null, client: { id: payload.sub, partnerId: client.partnerId, scopes: client.scopes as string[] } };
    }
    return null;
  } catch {
    return null;
  }
}

/** An opaque token (a refresh token, a link's token: 256 random bits) and the hash under which it is stored. */
export function newOpaqueToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashOpaqueToken(token) };
}

export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
