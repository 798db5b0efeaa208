/** The budgets' shapes, shared by the stores (`rate-budget-store.ts`) and the batching in front of PostgreSQL's (`coalesced-spends.ts`). */

/** What spending did: whether the points fitted, what the window has spent since, and when it ends. */
export interface Spending {
  accepted: boolean;
  spent: number;
  /** Milliseconds since the epoch, on the store's clock. */
  resetAt: number;
  /** SQL statements that carried this spend (PostgreSQL's batches); none with Redis. */
  statements?: number;
}

/** Where budgets are counted; shared by every API process either way. */
export interface RateBudgetStore {
  /**
   * Spends `points` of the budget `key` if they fit within `limit` for its current window, in one
   * atomic step; refused points are not spent, so a large request refused leaves the small ones room.
   */
  spend(key: string, points: number, limit: number): Promise<Spending>;
}

/** One budget's share of a batch: its key, the points to spend whole or not at all, its limit. */
export interface BudgetSpend {
  key: string;
  points: number;
  limit: number;
}

/** Spends several budgets (distinct keys) in one round trip: a result per spend, in order. */
export interface BatchSpender {
  spendEach(spends: BudgetSpend[]): Promise<Spending[]>;
}
