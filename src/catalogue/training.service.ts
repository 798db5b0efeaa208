import type { SelectQueryBuilder } from 'typeorm';
import type { Context } from '../context';
import { toConnection } from '../graphql/connection';
import { decodeCursor, pageSize, toPage } from '../graphql/pagination';
import type { TrainingSession } from './training-session.entity';
import { Training } from './training.entity';
import { TrainingConnection, TrainingOrder, type TrainingFilter } from './training.types';
import { requestedStatuses, visibleStatuses } from './training-visibility';

export interface TrainingListArgs {
  filter?: TrainingFilter | null;
  orderBy?: TrainingOrder | null;
  first?: number | null;
  after?: string | null;
}

interface OrderSpec {
  /** SQL of the sort key over the alias `t`; ties are broken by id in the same direction. */
  expression: string;
  type: 'timestamptz' | 'text';
  direction: 'ASC' | 'DESC';
}

const NEXT_OPEN_SESSION = `(SELECT min(s.starts_at) FROM training_session s
  WHERE s.training_id = t.id AND NOT s.cancelled AND s.starts_at > now())`;

const ORDERS: Record<TrainingOrder, OrderSpec> = {
  [TrainingOrder.RELEVANCE]: { expression: 't.published_at', type: 'timestamptz', direction: 'DESC' },
  [TrainingOrder.NEWEST]: { expression: 't.published_at', type: 'timestamptz', direction: 'DESC' },
  [TrainingOrder.TITLE]: { expression: 'lower(t.title)', type: 'text', direction: 'ASC' },
  [TrainingOrder.NEXT_SESSION]: { expression: NEXT_OPEN_SESSION, type: 'timestamptz', direction: 'ASC' },
};

function applyFilter(ctx: Context, query: SelectQueryBuilder<Training>, filter: TrainingFilter | null | undefined) {
  const statuses = requestedStatuses(ctx.viewer, filter?.statuses);
  query.where(statuses.length ? 't.status IN (:...statuses)' : 'false', { statuses });
  if (filter?.collections) {
    query.andWhere('t.collection_id IN (SELECT c.id FROM collection c WHERE c.slug = ANY(:collections))', {
      collections: filter.collections,
    });
  }
  if (filter?.partners) {
    query.andWhere('t.partner_id IN (SELECT p.id FROM partner p WHERE p.slug = ANY(:partners))', { partners: filter.partners });
  }
  if (filter?.modalities) query.andWhere('t.modality::text = ANY(:modalities)', { modalities: filter.modalities });
  if (typeof filter?.certifying === 'boolean') query.andWhere('t.certifying = :certifying', { certifying: filter.certifying });
  if (typeof filter?.hasOpenSession === 'boolean') {
    const open = `EXISTS (SELECT 1 FROM training_session os WHERE os.training_id = t.id AND NOT os.cancelled
      AND os.enrolment_opens_at <= now() AND os.enrolment_closes_at > now())`;
    query.andWhere(filter.hasOpenSession ? open : `NOT ${open}`);
  }
  // Eligibility needs a signed-in agent; an anonymous visitor may enrol in nothing.
  if (filter?.eligibleOnly && ctx.viewer.userId === null) query.andWhere('false');
  return query;
}

function applyKeyset(query: SelectQueryBuilder<Training>, order: OrderSpec, after: string) {
  const { key, id } = decodeCursor(after);
  const op = order.direction === 'DESC' ? '<' : '>';
  const sortKey = order.expression;
  if (key === null) {
    query.andWhere(`(${sortKey} IS NULL AND t.id ${op} :afterId)`, { afterId: id });
  } else {
    query.andWhere(
      `(${sortKey} ${op} CAST(:afterKey AS ${order.type}) OR ${sortKey} IS NULL
        OR (${sortKey} = CAST(:afterKey AS ${order.type}) AND t.id ${op} :afterId))`,
      { afterKey: key, afterId: id },
    );
  }
}

/** A page of the catalogue as the viewer may see it, in keyset order (stable under inserts). */
export async function listTrainings(ctx: Context, args: TrainingListArgs): Promise<TrainingConnection> {
  const size = pageSize(args.first);
  const order = ORDERS[args.orderBy ?? TrainingOrder.NEWEST];
  const base = () => applyFilter(ctx, ctx.db.getRepository(Training).createQueryBuilder('t'), args.filter);

  const query = base()
    .addSelect(`(${order.expression})::text`, 'sort_key')
    .orderBy(order.expression, order.direction, 'NULLS LAST')
    .addOrderBy('t.id', order.direction)
    .limit(size + 1);
  if (args.after !== null && args.after !== undefined) applyKeyset(query, order, args.after);
  const { entities, raw } = await query.getRawAndEntities<{ sort_key: string | null }>();
  primeVisible(ctx, entities);
  const sortKeys = new Map(entities.map((training, index) => [training.id, raw[index].sort_key]));
  const page = toPage(entities, size, training => ({ key: sortKeys.get(training.id) ?? null, id: training.id }));
  return toConnection(TrainingConnection, page, () => base().getCount());
}

/** Trainings just read under the viewer's visibility: nested `session.training` needs no second read. */
function primeVisible(ctx: Context, trainings: Training[]): void {
  for (const training of trainings) ctx.loaders.visibleTrainingById.prime(training.id, training);
}

export async function findTrainingBySlug(ctx: Context, slug: string): Promise<Training | null> {
  const training = await ctx.db
    .getRepository(Training)
    .createQueryBuilder('t')
    .where('t.slug = :slug', { slug })
    .andWhere('t.status IN (:...statuses)', { statuses: visibleStatuses(ctx.viewer) })
    .getOne();
  if (training) primeVisible(ctx, [training]);
  return training;
}

/** A session is visible exactly when its training is. */
export async function findVisibleSession(ctx: Context, sessionId: string): Promise<TrainingSession | null> {
  const session = await ctx.loaders.sessionById.load(sessionId);
  if (!session) return null;
  return (await ctx.loaders.visibleTrainingById.load(session.trainingId)) ? session : null;
}
