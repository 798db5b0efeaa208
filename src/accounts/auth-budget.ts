import { createHash } from 'node:crypto';
import type { Context } from '../context';
import { DomainError } from '../graphql/errors';

/**
 * Each secret-checking operation spends one unit of its client address's budget for the current
 * minute, counted in PostgreSQL so that every API process shares it; past the budget the caller
 * gets TOO_MANY_REQUESTS, before any hash is computed. Addresses are stored hashed.
 */
export async function spendAuthBudget(ctx: Context): Promise<void> {
  const addressHash = createHash('sha256').update(ctx.authBudget.address).digest('hex');
  const [{ attempts }]: { attempts: number }[] = await ctx.db.query(
    `INSERT INTO auth_rate (address_hash, minute, attempts) VALUES ($1, date_trunc('minute', now()), 1)
     ON CONFLICT (address_hash, minute) DO UPDATE SET attempts = auth_rate.attempts + 1
     RETURNING attempts`,
    [addressHash],
  );
  // The first attempt of a minute clears minutes long past (of every address), so the table stays small.
  if (attempts === 1) await ctx.db.query(`DELETE FROM auth_rate WHERE minute < now() - interval '1 hour'`);
  if (attempts > ctx.authBudget.perMinute) {
    throw new DomainError('TOO_MANY_REQUESTS', `Trop de demandes depuis votre adresse : au plus ${ctx.authBudget.perMinute} par minute. Réessayez dans une minute.`);
  }
}
