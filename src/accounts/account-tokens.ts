import type { EntityManager } from 'typeorm';
import { hashOpaqueToken, newOpaqueToken } from '../auth/tokens';
import { AccountToken, AccountTokenPurpose } from './account-token.entity';

const HOUR_MS = 60 * 60 * 1000;
export const LINKS_PER_DAY = 5;

/** How long a link stays valid. */
export const TOKEN_LIFETIME_HOURS: Record<AccountTokenPurpose, number> = {
  [AccountTokenPurpose.VERIFY_EMAIL]: 48,
  [AccountTokenPurpose.RESET_PASSWORD]: 1,
};

/**
 * A new single-use token for a link (random, 256 bits; only its SHA-256 is stored). Earlier
 * unspent tokens of the same purpose stop working: the newest link is the one that counts.
 */
export async function issueAccountToken(manager: EntityManager, userId: string, purpose: AccountTokenPurpose): Promise<string> {
  await manager.query(`UPDATE account_token SET spent_at = now() WHERE user_id = $1 AND purpose = $2 AND spent_at IS NULL`, [userId, purpose]);
  const { token, hash } = newOpaqueToken();
  await manager.insert(AccountToken, { userId, purpose, tokenHash: hash, expiresAt: new Date(Date.now() + TOKEN_LIFETIME_HOURS[purpose] * HOUR_MS), spentAt: null });
  return token;
}

/** The account a valid, unspent token of this purpose belongs to, without spending it; else null. */
export async function accountOfToken(manager: EntityManager, token: string, purpose: AccountTokenPurpose): Promise<string | null> {
  const [row]: { user_id: string }[] = await manager.query(
    `SELECT user_id FROM account_token WHERE token_hash = $1 AND purpose = $2 AND spent_at IS NULL AND expires_at > now()`,
    [hashOpaqueToken(token), purpose],
  );
  return row?.user_id ?? null;
}

/** Spends a valid token (once: the first transaction to commit wins); its account, or null. */
export async function spendAccountToken(manager: EntityManager, token: string, purpose: AccountTokenPurpose): Promise<string | null> {
  const [rows]: [{ user_id: string }[], number] = await manager.query(
    `UPDATE account_token SET spent_at = now() WHERE token_hash = $1 AND purpose = $2 AND spent_at IS NULL AND expires_at > now() RETURNING user_id`,
    [hashOpaqueToken(token), purpose],
  );
  return rows[0]?.user_id ?? null;
}

/** Every link still out for the account stops working (its password changed: they were sent before). */
export async function spendAllAccountTokens(manager: EntityManager, userId: string): Promise<void> {
  await manager.query(`UPDATE account_token SET spent_at = now() WHERE user_id = $1 AND spent_at IS NULL`, [userId]);
}

/** How long ago (by the database's clock) the account was last sent a token of this purpose, and how many in the last day. */
export async function recentTokens(manager: EntityManager, userId: string, purpose: AccountTokenPurpose): Promise<{ secondsSinceLast: number | null; lastDay: number }> {
  const [row]: { since: number | null; day: number }[] = await manager.query(
    `SELECT extract(epoch FROM now() - max(created_at))::float AS since, count(*) FILTER (WHERE created_at > now() - interval '1 day')::int AS day
     FROM account_token WHERE user_id = $1 AND purpose = $2`,
    [userId, purpose],
  );
  return { secondsSinceLast: row.since, lastDay: row.day };
}

/** Links one account may be sent, whoever asks: one a minute, five a day. */
export function tooManyLinks({ secondsSinceLast, lastDay }: { secondsSinceLast: number | null; lastDay: number }): boolean {
  return (secondsSinceLast !== null && secondsSinceLast < 60) || lastDay >= LINKS_PER_DAY;
}
