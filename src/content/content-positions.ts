import type { EntityManager } from 'typeorm';

/**
 * Ordered content (FAQ entries by category, tour steps by page): in each scope, positions are
 * 1..n with no gap and no duplicate after every write. Writers of a scope are serialised by an
 * advisory lock on it, taken before anything of the scope is read; a deferred unique constraint
 * (scope, position) is the backstop should a writer ever skip the lock.
 */
export interface OrderedTable {
  /** The table, and the column that scopes positions; constants, never client input. */
  readonly table: 'faq_entry' | 'tour_step';
  readonly scope: 'category' | 'page';
}

/**
 * Locks the scopes for the rest of the transaction, in one order (sorted) so that two writers
 * each moving an item between the same two scopes cannot wait on each other crosswise.
 */
export async function lockScopes(manager: EntityManager, list: OrderedTable, scopes: string[]): Promise<void> {
  for (const scope of [...new Set(scopes)].sort()) {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`mentor:${list.table}:${scope}`]);
  }
}

async function countIn(manager: EntityManager, list: OrderedTable, scope: string): Promise<number> {
  const [{ count }] = await manager.query(`SELECT count(*)::int AS count FROM "${list.table}" WHERE "${list.scope}" = $1`, [scope]);
  return count as number;
}

const clamp = (value: number, low: number, high: number): number => Math.min(Math.max(value, low), high);

/** Makes room for a new item of `scope`: its position (requested, clamped to 1..n+1; absent: last). */
export async function openPlace(manager: EntityManager, list: OrderedTable, scope: string, requested: number | null | undefined): Promise<number> {
  const count = await countIn(manager, list, scope);
  const position = clamp(requested ?? count + 1, 1, count + 1);
  if (position <= count) {
    await manager.query(`UPDATE "${list.table}" SET "position" = "position" + 1 WHERE "${list.scope}" = $1 AND "position" >= $2`, [scope, position]);
  }
  return position;
}

/** Closes the gap an item leaves at `position` of `scope` (deleted, or gone to another scope). */
export async function closePlace(manager: EntityManager, list: OrderedTable, scope: string, position: number): Promise<void> {
  await manager.query(`UPDATE "${list.table}" SET "position" = "position" - 1 WHERE "${list.scope}" = $1 AND "position" > $2`, [scope, position]);
}

/** Moves the item at `from` within its scope: its new position (requested, clamped to 1..n); the items between shift by one. */
export async function movePlace(manager: EntityManager, list: OrderedTable, scope: string, from: number, requested: number): Promise<number> {
  const to = clamp(requested, 1, await countIn(manager, list, scope));
  if (to < from) {
    await manager.query(
      `UPDATE "${list.table}" SET "position" = "position" + 1 WHERE "${list.scope}" = $1 AND "position" >= $2 AND "position" < $3`,
      [scope, to, from],
    );
  } else if (to > from) {
    await manager.query(
      `UPDATE "${list.table}" SET "position" = "position" - 1 WHERE "${list.scope}" = $1 AND "position" > $2 AND "position" <= $3`,
      [scope, from, to],
    );
  }
  return to;
}

/** The item changed scope between reading its scope and locking it: the transaction starts again. */
export class ScopeMoved extends Error {
  constructor() {
    super('the item changed scope while waiting for its lock');
  }
}

/** A rare race, not an error: the transaction starts again. */
export const scopeMoved = (error: unknown): boolean => error instanceof ScopeMoved;
