import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { ANONYMOUS, type Viewer } from '../auth/viewer';
import { budgetKeyOf } from './client-address';
import type { RateBudgetStore, Spending } from './rate-budget';

/**
 * GitHub's GraphQL rate limit, on our cost model: a point is 100 units of `operationCost` (0.1 ms of
 * database time each), so 10 ms; GitHub divides its own cost by 100 too. The largest operation
 * allowed (`LIMITS.maxCost`, about a second) costs 100 points, the smallest 1.
 */
const COST_UNITS_PER_POINT = 100;
/** A write costs a commit (a WAL flush) that the cost model does not see: GitHub counts 5 for a mutation too. */
const MUTATION_MIN_POINTS = 5;
/** An answer from the response cache costs no database time, but a request is never free. */
export const CACHE_HIT_POINTS = 1;

/** Points per hour of each kind of caller; 0: that kind is not limited. */
export interface RateLimits {
  user: number;
  client: number;
  anonymous: number;
}

/** The points an operation spends: its estimated cost in points, rounded up, at least 1 (at least 5 for a mutation). */
export function pointsOf(cost: number, operation: string): number {
  const points = Math.max(1, Math.ceil(cost / COST_UNITS_PER_POINT));
  return operation === 'mutation' ? Math.max(points, MUTATION_MIN_POINTS) : points;
}

/** The budgets every API process shares: `forRequest` gives one request its view of them. */
export class RateLimiter {
  constructor(
    private readonly limits: RateLimits,
    private readonly store: RateBudgetStore,
  ) {}

  forRequest(address: string): RequestBudget {
    return new RequestBudget(this.limits, this.store, address);
  }
}

/**
 * One request's account: whose budget it spends (the signed-in user's, the API client's, else its
 * address's: its IPv6 /64, see `budgetKeyOf`), what it spent, and the `x-ratelimit-*` headers that say so (GitHub's names).
 */
export class RequestBudget {
  private viewer: Viewer = ANONYMOUS;
  private spending: (Spending & { limit: number }) | null = null;
  /** SQL statements the accounting sent (PostgreSQL store): reported apart from the operation's. */
  statements = 0;

  constructor(
    private readonly limits: RateLimits,
    private readonly store: RateBudgetStore,
    private readonly address: string,
  ) {}

  /** Who the request's token names (until then, and without one, the address pays). */
  identify(viewer: Viewer): void {
    this.viewer = viewer;
  }

  private budget(): { key: string; limit: number } {
    if (this.viewer.userId !== null) return { key: `user:${this.viewer.userId}`, limit: this.limits.user };
    if (this.viewer.client !== null) return { key: `client:${this.viewer.client.id}`, limit: this.limits.client };
    return { key: `address:${createHash('sha256').update(budgetKeyOf(this.address)).digest('hex')}`, limit: this.limits.anonymous };
  }

  /** Spends `points` before the operation runs; refuses it (TOO_MANY_REQUESTS, HTTP 429) when they exceed what is left. */
  async spend(points: number): Promise<void> {
    const { key, limit } = this.budget();
    if (limit === 0) return;
    const result = await this.store.spend(key, points, limit);
    this.statements += result.statements ?? 0;
    this.spending = { ...result, limit };
    if (result.accepted) return;
    const remaining = Math.max(0, limit - result.spent);
    const minutes = Math.max(1, Math.ceil((result.resetAt - Date.now()) / 60_000));
    throw new GraphQLError(
      `Limite de requêtes atteinte : cette requête coûte ${points} points, il en reste ${remaining} sur ${limit} pour l’heure. Réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`,
      { extensions: { code: 'TOO_MANY_REQUESTS', points, limit, remaining, resetAt: new Date(result.resetAt).toISOString(), http: { status: 429 } } },
    );
  }

  /**
   * A request answered without its operation being charged (unparsable, invalid, too complex, a bad
   * token…) still spends a point: answering it cost something. Never refused: it is answered already.
   */
  async settle(): Promise<void> {
    if (this.spending !== null) return;
    await this.spend(1).catch(() => undefined);
  }

  /** `x-ratelimit-*` as GitHub sends them, and `retry-after` on a refusal; none when the caller's kind is not limited. */
  headers(now = Date.now()): [string, string][] {
    if (this.spending === null) return [];
    const { limit, spent, resetAt, accepted } = this.spending;
    const headers: [string, string][] = [
      ['x-ratelimit-limit', String(limit)],
      ['x-ratelimit-remaining', String(Math.max(0, limit - spent))],
      ['x-ratelimit-used', String(spent)],
      ['x-ratelimit-reset', String(Math.ceil(resetAt / 1000))],
      ['x-ratelimit-resource', 'graphql'],
    ];
    if (!accepted) headers.push(['retry-after', String(Math.max(1, Math.ceil((resetAt - now) / 1000)))]);
    return headers;
  }
}
