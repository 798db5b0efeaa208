import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ACCESS_TOKEN_SECONDS, newOpaqueToken, REFRESH_TOKEN_DAYS, signAccessToken } from '../auth/tokens';
import type { Context } from '../context';
import { RefreshToken } from './refresh-token.entity';
import { grantsOf } from './role.service';
import type { User } from './user.entity';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: User;
}

/**
 * A new access token and refresh token. A refresh token family lives 30 days from sign-in: a
 * rotation passes the family's end on (`familyEnds`), it never extends it.
 */
export async function openSession(ctx: Context, manager: EntityManager, user: User, familyId: string = randomUUID(), familyEnds?: Date): Promise<Session> {
  const refresh = newOpaqueToken();
  await manager.insert(RefreshToken, {
    userId: user.id,
    familyId,
    tokenHash: refresh.hash,
    expiresAt: familyEnds ?? new Date(Date.now() + REFRESH_TOKEN_DAYS * DAY_MS),
    revokedAt: null,
  });
  return {
    accessToken: signAccessToken(ctx.jwtSecret, user.id, await grantsOf(manager, user.id)),
    refreshToken: refresh.token,
    expiresIn: ACCESS_TOKEN_SECONDS,
    user,
  };
}

/** Every refresh token of the account stops working (access tokens run out within ACCESS_TOKEN_SECONDS). */
export async function closeAllSessions(manager: EntityManager, userId: string): Promise<void> {
  await manager.query('UPDATE refresh_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
}
