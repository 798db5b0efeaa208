import { apartFromRequests } from '../db/statement-counter';
import type { BatchSpender, RateBudgetStore, Spending } from './rate-budget';

interface Waiting {
  points: number;
  /** Batches this spend has been sent in (more than one when re-decided). */
  statements: number;
  resolve(spending: Spending): void;
  reject(error: unknown): void;
}

interface Entry {
  limit: number;
  spends: Waiting[];
}

const sum = (waiting: Waiting[]) => waiting.reduce((total, { points }) => total + points, 0);

/**
 * Group commit for budgets: one batch in flight per process; the spends that arrive meanwhile wait
 * and go together in the next, a key's points summed. A process under load sends one statement per
 * round trip instead of one per request, and concurrent requests of one caller stop queueing on
 * their budget's row lock. Alone, a request is sent at once: same latency, same statement.
 *
 * Exactness is kept. A batch's points fit whole or are refused whole; refused, the spends are
 * re-decided: those that fit in what is left, in arrival order, go in the next batch on their own
 * (the key's newer spends wait one batch more, or a caller that keeps asking would keep the sum
 * over the limit and the retry from ever being sent alone); the others are refused. The batches
 * run apart from any request's statement count; each spend is told how many carried it
 * (`Spending.statements`).
 */
export class CoalescingRateBudgetStore implements RateBudgetStore {
  private waiting = new Map<string, Entry>();
  /** Re-decided spends, sent in the next batch apart from their key's newer ones. */
  private retrying = new Map<string, Entry>();
  private flushing = false;

  constructor(private readonly spender: BatchSpender) {}

  spend(key: string, points: number, limit: number): Promise<Spending> {
    return new Promise((resolve, reject) => {
      const spend = { points, statements: 0, resolve, reject };
      const entry = this.waiting.get(key);
      if (entry) entry.spends.push(spend);
      else this.waiting.set(key, { limit, spends: [spend] });
      // Started by one request, the loop serves every request that joins it: it is none's.
      if (!this.flushing) void apartFromRequests(() => this.flush());
    });
  }

  /** The retries, and the waiting spends of every other key. */
  private nextBatch(): [string, Entry][] {
    const batch = [...this.retrying];
    for (const [key, entry] of this.waiting) {
      if (this.retrying.has(key)) continue;
      batch.push([key, entry]);
      this.waiting.delete(key);
    }
    this.retrying = new Map();
    return batch;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.waiting.size > 0 || this.retrying.size > 0) await this.settle(this.nextBatch());
    } finally {
      this.flushing = false;
    }
  }

  private async settle(batch: [string, Entry][]): Promise<void> {
    for (const [, { spends }] of batch) for (const spend of spends) spend.statements += 1;
    let results: Spending[];
    try {
      results = await this.spender.spendEach(batch.map(([key, { limit, spends }]) => ({ key, limit, points: sum(spends) })));
      if (results.length !== batch.length) throw new Error(`rate budgets: ${results.length} results for ${batch.length} spends`);
    } catch (error) {
      for (const [, { spends }] of batch) for (const spend of spends) spend.reject(error);
      return;
    }
    batch.forEach(([key, { limit, spends }], index) => {
      const result = results[index];
      if (result.accepted) {
        // Each in arrival order: what the window had spent once its own points were in.
        let after = result.spent - sum(spends);
        for (const spend of spends) spend.resolve({ ...result, spent: (after += spend.points), statements: spend.statements });
      } else if (spends.length === 1) spends[0].resolve({ ...result, statements: spends[0].statements });
      else this.redecide(key, limit, spends, result);
    });
  }

  /** A refused batch of several: the spends that fit in what is left, in arrival order, try again; the others are refused. */
  private redecide(key: string, limit: number, spends: Waiting[], refusal: Spending): void {
    let left = limit - refusal.spent;
    const retried: Waiting[] = [];
    const refused: Waiting[] = [];
    for (const spend of spends) {
      if (spend.points <= left) {
        left -= spend.points;
        retried.push(spend);
      } else refused.push(spend);
    }
    // What the window will have spent once those retried are in: what a refused caller is told.
    const full = { ...refusal, spent: Math.min(limit, refusal.spent + sum(retried)) };
    for (const spend of refused) spend.resolve({ ...full, statements: spend.statements });
    if (retried.length > 0) this.retrying.set(key, { limit, spends: retried });
  }
}
