import DataLoader from 'dataloader';
import type { Context } from '../context';
import { DomainError, InvalidInput, UserError } from './errors';

export interface MutationResult {
  userErrors: UserError[];
}

/**
 * Runs a mutation's service call: the one place where business refusals become `userErrors`;
 * anything that is not a DomainError stays an error (masked outside development).
 * Afterwards the request's loaders forget what they read: the payload, and any later mutation of
 * the same request, must see the database as the mutation left it.
 */
export async function runMutation<T extends object>(ctx: Context, work: () => Promise<T>): Promise<(T | Partial<T>) & MutationResult> {
  try {
    const result = await work();
    ctx.mutationCommitted();
    return { ...result, userErrors: [] };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const failures = error instanceof InvalidInput ? error.failures : [error];
    (ctx.trace.errors ??= []).push(...failures.map(failure => ({ kind: 'user' as const, code: failure.code })));
    const userErrors = failures.map(failure => Object.assign(new UserError(), { code: failure.code, message: failure.message, field: failure.field }));
    return { userErrors } as Partial<T> & MutationResult;
  } finally {
    for (const loader of Object.values(ctx.loaders)) if (loader instanceof DataLoader) loader.clearAll();
  }
}
