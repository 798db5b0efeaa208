import { Client } from 'pg';
import { CoalescingRateBudgetStore } from '../../src/http/coalesced-spends';
import type { BatchSpender, BudgetSpend, Spending } from '../../src/http/rate-budget';
import { PostgresBudgetSpender } from '../../src/http/rate-budget-store';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The PostgreSQL budget store sends one batch at a time per process: spends arriving meanwhile go
 * together in the next. Fewer statements under load, and the same decisions as one at a time.
 */

/** Exact budgets in memory, answering after a macrotask (as a round trip would); records each batch. */
class MemorySpender implements BatchSpender {
  readonly spent = new Map<string, number>();
  readonly batches: BudgetSpend[][] = [];
  failNext = false;

  async spendEach(spends: BudgetSpend[]): Promise<Spending[]> {
    this.batches.push(spends);
    await new Promise(resolve => setImmediate(resolve));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('base indisponible');
    }
    return spends.map(({ key, points, limit }) => {
      const before = this.spent.get(key) ?? 0;
      const accepted = before + points <= limit;
      if (accepted) this.spent.set(key, before + points);
      return { accepted, spent: accepted ? before + points : before, resetAt: 0 };
    });
  }
}

const together = <T>(count: number, spend: (index: number) => Promise<T>) => Promise.all(Array.from({ length: count }, (_, index) => spend(index)));

test('alone, a spend is sent at once; those arriving meanwhile go together in the next batch, each told its own count', async () => {
  const spender = new MemorySpender();
  const store = new CoalescingRateBudgetStore(spender);
  const results = await together(50, () => store.spend('address:a', 1, 1_000));
  expect(spender.batches.map(batch => batch.map(spend => spend.points))).toEqual([[1], [49]]);
  expect(results.map(result => result.spent)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
  expect(results.every(result => result.accepted)).toBe(true);
});

test('several callers share a batch, a key each with its points summed', async () => {
  const spender = new MemorySpender();
  const store = new CoalescingRateBudgetStore(spender);
  await Promise.all([store.spend('user:1', 5, 100), store.spend('user:2', 1, 100), store.spend('user:1', 3, 100), store.spend('user:2', 2, 100)]);
  expect(spender.batches).toEqual([
    [{ key: 'user:1', points: 5, limit: 100 }],
    [
      { key: 'user:2', points: 3, limit: 100 },
      { key: 'user:1', points: 3, limit: 100 },
    ],
  ]);
  expect(Object.fromEntries(spender.spent)).toEqual({ 'user:1': 8, 'user:2': 3 });
});

test('a batch that does not fit is re-decided: the spends that fit pass, exactly the budget, the rest are refused', async () => {
  const spender = new MemorySpender();
  const store = new CoalescingRateBudgetStore(spender);
  const results = await together(20, index => store.spend('address:b', index % 3 === 0 ? 2 : 1, 12));
  const accepted = results.filter(result => result.accepted);
  expect(spender.spent.get('address:b')).toBe(12);
  // The points of the accepted spends add up to the budget, and each refusal says so.
  const points = (index: number) => (index % 3 === 0 ? 2 : 1);
  expect(results.reduce((total, result, index) => total + (result.accepted ? points(index) : 0), 0)).toBe(12);
  expect(accepted.length).toBeGreaterThan(0);
  expect(results.filter(result => !result.accepted).map(result => result.spent)).toEqual(results.filter(result => !result.accepted).map(() => 12));
  // Later spends are refused once it is full, one at a time as before.
  expect(await store.spend('address:b', 1, 12)).toMatchObject({ accepted: false, spent: 12 });
});

test('re-decided, a small spend that fits passes even behind a large one that does not; each is told the statements that carried it', async () => {
  const spender = new MemorySpender();
  const store = new CoalescingRateBudgetStore(spender);
  expect(await store.spend('address:c', 11, 12)).toMatchObject({ accepted: true, spent: 11, statements: 1 });
  // Sent together while a first spend is out: 5 + 1 do not fit whole, 1 alone does.
  const [opener, large, small] = await Promise.all([store.spend('address:d', 1, 12), store.spend('address:c', 5, 12), store.spend('address:c', 1, 12)]);
  expect(opener).toMatchObject({ accepted: true, statements: 1 });
  expect(large).toMatchObject({ accepted: false, spent: 12, statements: 1 });
  expect(small).toMatchObject({ accepted: true, spent: 12, statements: 2 });
  expect(spender.spent.get('address:c')).toBe(12);
});

test('a re-decided spend is sent on its own: a caller that keeps asking cannot hold it back', async () => {
  const spender = new MemorySpender();
  const store = new CoalescingRateBudgetStore(spender);
  await store.spend('address:e', 9, 10);
  const opener = store.spend('address:f', 1, 10); // a batch in flight: the next two go together, 2 points for 1 left
  const first = store.spend('address:e', 1, 10);
  const second = store.spend('address:e', 1, 10);
  let answered = false;
  void first.then(() => (answered = true));
  // The caller keeps asking, a spend per round trip, until the first is answered (100 rounds at most).
  const later: Promise<Spending>[] = [];
  for (let round = 0; !answered && round < 100; round++) {
    later.push(store.spend('address:e', 1, 10));
    await new Promise(resolve => setImmediate(resolve));
  }
  expect(await first).toMatchObject({ accepted: true, spent: 10 });
  expect(await second).toMatchObject({ accepted: false, spent: 10 });
  expect(later.length).toBeLessThan(5);
  expect((await Promise.all(later)).map(spending => spending.accepted)).toEqual(later.map(() => false));
  expect(spender.spent.get('address:e')).toBe(10);
  await opener;
});

test('a spender that answers for fewer budgets than it was given fails the batch, not the process', async () => {
  const store = new CoalescingRateBudgetStore({ spendEach: async () => [] });
  await expect(store.spend('address:g', 1, 10)).rejects.toThrow('0 results for 1 spends');
});

test('a batch that fails fails each of its spends; the next batch is sent', async () => {
  const spender = new MemorySpender();
  const store = new CoalescingRateBudgetStore(spender);
  spender.failNext = true;
  const failed = await Promise.allSettled([store.spend('k', 1, 10), store.spend('k', 1, 10)]);
  expect(failed.map(result => result.status)).toEqual(['rejected', 'fulfilled']);
  expect(await store.spend('k', 1, 10)).toMatchObject({ accepted: true, spent: 2 });
});

describe('on the database', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(() => api.stop());

  test('racing spends of three budgets: fewer statements than spends, exactly each budget spent, every spend told the truth', async () => {
    const real = new PostgresBudgetSpender(api.app.database.dataSource);
    let statements = 0;
    const store = new CoalescingRateBudgetStore({ spendEach: spends => (statements++, real.spendEach(spends)) });
    const keys = ['test:un', 'test:deux', 'test:trois'];
    const results = await together(90, index => store.spend(keys[index % 3], 1, 20));
    expect(statements).toBeLessThan(90);
    expect(results.filter(result => result.accepted)).toHaveLength(60);
    const rows = await api.sql<{ key: string; spent: number }>(`SELECT key, spent FROM rate_budget WHERE key LIKE 'test:%' ORDER BY key`);
    expect(rows).toEqual([
      { key: 'test:deux', spent: 20 },
      { key: 'test:trois', spent: 20 },
      { key: 'test:un', spent: 20 },
    ]);
    // Each accepted spend of a budget saw a different count, 1 to 20.
    for (const key of keys) {
      const counts = results.filter((result, index) => result.accepted && keys[index % 3] === key).map(result => result.spent);
      expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    }
  });

  // PGlite has one session: a row held by another transaction needs a real server.
  (process.env.DATABASE_URL ? test : test.skip)('the sweep removes ended windows without waiting on a row a batch holds', async () => {
    await api.sql(`INSERT INTO rate_budget (key, window_ends, spent) VALUES ('sweep:held', now() - interval '1 minute', 3), ('sweep:free', now() - interval '1 minute', 3)`);
    const holder = new Client({ connectionString: api.database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM rate_budget WHERE key = 'sweep:held' FOR UPDATE`);
      const sweeping = new PostgresBudgetSpender(api.app.database.dataSource).sweep();
      const settled = await Promise.race([sweeping.then(() => 'swept'), new Promise(resolve => setTimeout(resolve, 3_000, 'waiting'))]);
      expect(settled).toBe('swept');
      expect(await api.sql(`SELECT key FROM rate_budget WHERE key LIKE 'sweep:%' ORDER BY key`)).toEqual([{ key: 'sweep:held' }]);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });
});
