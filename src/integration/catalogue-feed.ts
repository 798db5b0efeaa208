import type { Context } from '../context';
import { hydrate } from '../db/hydrate';
import { badUserInput } from '../graphql/errors';
import { pageSize, type PageInfo } from '../graphql/pagination';
import { CatalogueChange } from './catalogue-change.entity';

/** A reader's place in the feed: the last event it read, as (writer's transaction id, event id). */
export function changeCursor(change: Pick<CatalogueChange, 'transactionId' | 'id'>): string {
  return Buffer.from(`change:${change.transactionId}:${change.id}`).toString('base64url');
}

const MAX_BIGINT = 2n ** 63n - 1n;

function positionAfter(cursor: string | null | undefined): [string, string] {
  if (cursor === null || cursor === undefined) return ['-1', '0'];
  const match = /^change:(\d{1,19}):(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match || match.slice(1).some(value => BigInt(value) > MAX_BIGINT)) throw badUserInput('Curseur invalide : passez la valeur `cursor` d’un événement lu.', 'after');
  return [match[1], match[2]];
}

export interface ChangePage {
  edges: { cursor: string; node: CatalogueChange }[];
  pageInfo: PageInfo;
}

/**
 * Events after the cursor, in (transaction id, event id) order, only from transactions older than
 * every transaction still in flight (`pg_snapshot_xmin`). Event ids are taken before commit, so
 * ordering by id alone would let a reader see event 7 committed, move past it, and never see
 * event 6 of a slower transaction. Transactions below the horizon have all ended: no event can
 * appear any more before an event already handed out, so resuming from a cursor never skips and
 * never repeats. The price: a long transaction holds the feed back while it runs (the horizon is
 * the server's: a transaction in another database on the same server counts too).
 */
export async function listChanges(ctx: Context, after: string | null | undefined, first: number | null | undefined): Promise<ChangePage> {
  const [transactionId, id] = positionAfter(after);
  const size = pageSize(first);
  // On a replica when the request allows it: a hot standby's snapshot lists as running every
  // transaction of the primary whose end it has not replayed, so its horizon holds back exactly
  // what the primary's would, and more while it lags (test/db/replica-reads.test.ts proves it).
  const rows = await ctx.lagging.query<Record<string, unknown>>(
    `SELECT id, transaction_id, type, training_id, session_id, occurred_at FROM catalogue_change
     WHERE (transaction_id, id) > ($1::bigint, $2::bigint)
       AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
     ORDER BY transaction_id, id
     LIMIT $3`,
    [transactionId, id, size + 1],
    true,
  );
  const changes = hydrate(ctx.db, CatalogueChange, rows.slice(0, size)).map(change => Object.assign(change, { id: String(change.id), transactionId: String(change.transactionId) }));
  const edges = changes.map(node => ({ cursor: changeCursor(node), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > size, hasPreviousPage: after != null, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? after ?? null },
  };
}

/** Events the feed hands out now (below the same horizon). */
export async function countChanges(ctx: Context): Promise<number> {
  const [{ count }] = await ctx.lagging.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM catalogue_change WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint`,
    [],
    true,
  );
  return count;
}
