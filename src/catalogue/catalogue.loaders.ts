import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { Grant } from '../auth/viewer';
import { byIdLoader, MAX_BATCH } from '../db/by-id-loader';
import { hydrate, selectColumns } from '../db/hydrate';
import { preparedQuery } from '../db/named-query';
import { decodeCursor, toPage, type Page } from '../graphql/pagination';
import { TrainingStatus } from './catalogue.enums';
import { createReferenceLookups } from './reference-data.loader';
import { TrainingSession } from './training-session.entity';
import { Training } from './training.entity';
import { canSeeTraining, visibilityOf } from './training-rights';

/** Cursor list name of `Training.sessions` (ordered by start, then id). */
export const SESSION_LIST = 'sessions';

export interface SessionPageKey {
  trainingId: string;
  upcoming: boolean;
  size: number;
  after: string | null;
  /** Properties to read (see `columnsFor`); every column when undefined. */
  columns?: readonly string[];
  /** Leave cancelled sessions out (they are listed by default: a cancelled session stays visible, marked). */
  withoutCancelled?: boolean;
}

export interface SessionPage extends Page<TrainingSession> {
  totalCount: number;
}

/**
 * One page of sessions per training, for a whole list of trainings in one statement: a window
 * function numbers each training's sessions, and counts them for `totalCount`.
 */
async function loadSessionPages(db: DataSource, keys: readonly SessionPageKey[]): Promise<SessionPage[]> {
  const groups = new Map<string, SessionPageKey[]>();
  for (const key of keys) {
    const group = `${key.upcoming}|${key.withoutCancelled ?? false}|${key.size}|${key.after}|${key.columns?.join(',')}`;
    groups.set(group, [...(groups.get(group) ?? []), key]);
  }
  const pages = new Map<SessionPageKey, SessionPage>();
  for (const group of groups.values()) {
    const { upcoming, size, after, columns, withoutCancelled = false } = group[0];
    const cursor = after === null ? null : decodeCursor(after, SESSION_LIST, 'timestamptz');
    const rows: Record<string, unknown>[] = await preparedQuery(
      db,
      `SELECT * FROM (
         SELECT base.*, base.starts_at::text AS sort_key, row_number() OVER (PARTITION BY base.training_id ORDER BY base.starts_at, base.id) AS position
         FROM (
           SELECT ${selectColumns(db, TrainingSession, 's', columns && new Set(columns))}, count(*) OVER (PARTITION BY s.training_id) AS total
           FROM training_session s
           WHERE s.training_id = ANY($1::uuid[]) AND (NOT $2::boolean OR s.starts_at > now()) AND (NOT $6::boolean OR NOT s.cancelled)
         ) base
         WHERE $4::uuid IS NULL OR (base.starts_at, base.id) > ($3::timestamptz, $4::uuid)
       ) ranked
       WHERE ranked.position <= $5
       ORDER BY ranked.training_id, ranked.position`,
      [group.map(key => key.trainingId), upcoming, cursor?.key ?? null, cursor?.id ?? null, size + 1, withoutCancelled],
    );
    const byTraining = new Map<string, { session: TrainingSession; key: string }[]>();
    hydrate(db, TrainingSession, rows).forEach((session, index) => {
      const own = byTraining.get(session.trainingId) ?? [];
      own.push({ session, key: rows[index].sort_key as string });
      byTraining.set(session.trainingId, own);
    });
    const totals = new Map(rows.map(row => [row.training_id as string, Number(row.total)]));
    for (const key of group) {
      const page = toPage(byTraining.get(key.trainingId) ?? [], {
        size,
        list: SESSION_LIST,
        after: cursor,
        position: row => ({ key: row.key, id: row.session.id }),
        node: row => row.session,
      });
      pages.set(key, { ...page, totalCount: totals.get(key.trainingId) ?? 0 });
    }
  }
  return keys.map(key => pages.get(key)!);
}

/** Published trainings per collection, for `Collection.trainingCount`. */
async function countPublishedByCollection(db: DataSource, collectionIds: readonly string[]): Promise<number[]> {
  const rows: { collection_id: string; count: string }[] = await preparedQuery(
    db,
    `SELECT collection_id, count(*) AS count FROM training
     WHERE collection_id = ANY($1::uuid[]) AND status = $2 GROUP BY collection_id`,
    [collectionIds, TrainingStatus.PUBLISHED],
  );
  const counts = new Map(rows.map(row => [row.collection_id, Number(row.count)]));
  return collectionIds.map(id => counts.get(id) ?? 0);
}

export function createCatalogueLoaders(db: DataSource, grants: () => Promise<readonly Grant[]>) {
  const trainingById = byIdLoader(db, Training);
  return {
    ...createReferenceLookups(db),
    trainingById,
    /** Only trainings the viewer may see: a nested path never reveals a draft. */
    visibleTrainingById: new DataLoader<string, Training | null>(
      async ids => {
        const [visibility, trainings] = await Promise.all([grants().then(visibilityOf), trainingById.loadMany(ids)]);
        return trainings.map(training => (training instanceof Training && canSeeTraining(visibility, training) ? training : null));
      },
      { maxBatchSize: MAX_BATCH },
    ),
    sessionById: byIdLoader(db, TrainingSession),
    sessionPage: new DataLoader<SessionPageKey, SessionPage, string>(keys => loadSessionPages(db, keys), {
      cacheKeyFn: key => JSON.stringify(key),
      maxBatchSize: MAX_BATCH,
    }),
    publishedTrainingCount: new DataLoader<string, number>(ids => countPublishedByCollection(db, ids), { maxBatchSize: MAX_BATCH }),
  };
}
