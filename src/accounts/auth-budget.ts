import { createHash } from 'node:crypto';
import type { Context } from '../context';
import { DomainError } from '../graphql/errors';
import { budgetKeyOf } from '../http/client-address';

/**
 * Each secret-checking operation spends one unit of its client address's budget for the current
 * minute, counted where every API process shares it (Redis when REDIS_URL is set, else PostgreSQL:
 * see `openAuthBudgetStore`); past the budget the caller gets TOO_MANY_REQUESTS, before any hash is
 * computed. An IPv6 address counts as its /64 (`budgetKeyOf`); addresses are stored hashed.
 */
export async function spendAuthBudget(ctx: Context): Promise<void> {
  const { address, perMinute, store } = ctx.authBudget;
  const attempts = await store.spend(createHash('sha256').update(budgetKeyOf(address)).digest('hex'));
  if (attempts > perMinute) {
    throw new DomainError('TOO_MANY_REQUESTS', `Trop de demandes depuis votre adresse : au plus ${perMinute} par minute. Réessayez dans une minute.`);
  }
}
