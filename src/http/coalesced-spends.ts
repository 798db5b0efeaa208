import { apartFromRequests } from '../db/statement-counter';
import type { BatchSpender, RateBudgetStore, Spending } from './rate-budget';

interface Waiting {
  points: number;
  /** Batches this spend has been sent in (two when re-decided). */
  statements: number;
  resolve(spending: Spending): void;
  reject(error: unknown): void;
}

const sum = (waiting: Waiting[]) => waiting.reduce((total, { points }) => total + points, 0);

/**
 * Group commit for budgets: one batch in flight per process; the spends that arrive meanwhile wait
 * and go together in the next, a key's points summed. A process under load sends one statement per
 * round trip instead of one per request, and concurrent requests of one caller stop queueing on
 * their budget's row lock. Alone, a request is sent at once: same latency, same statement.
 *
 * Exactness is kept. A batch's points fit whole or are refused whole; refused, the spends are
 * re-decided: those that fit in what is left, in arrival order, go in the next batch; the others
 * are refused. The batches run apart from any request's statement count; each spend is told how
 * many carried it (`Spending.statements`).
 */
export class CoalescingRateBudgetStore implements RateBudgetStore {
  private waiting = new Map<string, { limit: number; spends: Waiting[] }>();
  private flushing = false;

  constructor(private readonly spender: BatchSpender) {}

  spend(key: string, points: number, limit: number): Promise<Spending> {
    return new Promise((resolve, reject) => {
      this.enqueue(key, limit, [{ points, statements: 0, resolve, reject }]);
      // Started by one request, the loop serves every request that joins it: it is none's.
      if (!this.flushing) void apartFromRequests(() => this.flush());
    });
  }

  private enqueue(key: string, limit: number, spends: Waiting[], first = false): void {
    const entry = this.waiting.get(key);
    if (!entry) this.waiting.set(key, { limit, spends });
    else entry.spends = first ? [...spends, ...entry.spends] : [...entry.spends, ...spends];
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.waiting.size > 0) {
        const batch = [...this.waiting];
        this.waiting = new Map();
        await this.settle(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async settle(batch: [string, { limit: number; spends: Waiting[] }][]): Promise<void> {
    for (const [, { spends }] of batch) for (const spend of spends) spend.statements += 1;
    let results: Spending[];
    try {
      results = await this.spender.spendEach(batch.map(([key, { limit, spends }]) => ({ key, limit, points: sum(spends) })));
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
    if (retried.length > 0) this.enqueue(key, limit, retried, true);
  }
}
