import { createHash } from 'node:crypto';
import type { Context } from '../context';
import { toConnection } from '../graphql/connection';
import { decodeCursor, pageSize, toPage, type KeysetPosition, type SortKeyType } from '../graphql/pagination';
import { cataloguePredicates, relevance, searchParams, type CatalogueScope, type SearchMode } from './search/catalogue-predicates';
import { conjunction, type Predicate } from './search/predicate';
import { computeFacets } from './search/facets';
import { parseSearch, type SearchQuery } from './search/search-query';
import { TrainingSession } from './training-session.entity';
import { columnsFor, hydrate, selectColumns } from '../db/hydrate';
import { SESSION_COLUMNS, TRAINING_COLUMNS } from './selected-columns';
import { SESSION_LIST } from './catalogue.loaders';
import { namedQuery, type SqlReader } from '../db/named-query';
import { Training } from './training.entity';
import { MAX_FILTER_VALUES, overlongFilterLists, TrainingOrder, type TrainingFilter } from './training.inputs';
import { badUserInput } from '../graphql/errors';
import { TrainingConnection, TrainingSessionConnection } from './training.types';
import { canSeeTraining, visibilityOf, type TrainingVisibility } from './training-rights';

export interface TrainingListArgs {
  /** Whether the client asked for `totalCount` (then counted with the page, in one statement). */
  withTotal?: boolean;
  search?: string | null;
  filter?: TrainingFilter | null;
  orderBy?: TrainingOrder | null;
  first?: number | null;
  after?: string | null;
  /** The fields the query selects on each training: only their columns are read. */
  fields?: ReadonlySet<string>;
}

export interface OrderSpec {
  /** SQL of the sort key over the alias `t`; ties are broken by id in the same direction. */
  expression: string;
  type: SortKeyType;
  direction: 'ASC' | 'DESC';
  params?: Record<string, unknown>;
}

const NEXT_OPEN_SESSION = `(SELECT min(s.starts_at) FROM training_session s
  WHERE s.training_id = t.id AND NOT s.cancelled AND s.starts_at > now() AND s.enrolment_closes_at > now())`;

const NEWEST: OrderSpec = { expression: 't.published_at', type: 'timestamptz', direction: 'DESC' };

function orderSpec(order: TrainingOrder, search: SearchQuery | null, mode: SearchMode): OrderSpec {
  switch (order) {
    case TrainingOrder.RELEVANCE:
      return search ? { expression: relevance(mode), type: 'real', direction: 'DESC', params: searchParams(search) } : NEWEST;
    case TrainingOrder.NEWEST:
      return NEWEST;
    case TrainingOrder.TITLE:
      // Accents ignored, as French readers expect ("École" among the e's); "C" collation so that
      // every database sorts the same way, whatever its locale.
      return { expression: '(lower(mentor_unaccent(t.title)) COLLATE "C")', type: 'text', direction: 'ASC' };
    case TrainingOrder.NEXT_SESSION:
      return { expression: NEXT_OPEN_SESSION, type: 'timestamptz', direction: 'ASC' };
  }
}

/** Items after the cursor in (sort key NULLS LAST, id) order. */
function afterCursor(order: OrderSpec, { key, id }: KeysetPosition): Predicate {
  const op = order.direction === 'DESC' ? '<' : '>';
  const sortKey = order.expression;
  if (key === null) return { sql: `${sortKey} IS NULL AND t.id ${op} :afterId`, params: { afterId: id } };
  return {
    sql: `${sortKey} ${op} CAST(:afterKey AS ${order.type}) OR ${sortKey} IS NULL
      OR (${sortKey} = CAST(:afterKey AS ${order.type}) AND t.id ${op} :afterId)`,
    params: { ...order.params, afterKey: key, afterId: id },
  };
}

interface PageRequest {
  predicates: Predicate[];
  order: OrderSpec;
  size: number;
  cursor: KeysetPosition | null;
  /** Count the whole list in the same statement (an uncorrelated subquery, computed once). */
  withTotal: boolean;
  /** Properties to read; every column when undefined. */
  columns?: ReadonlySet<string>;
  /** Prepare the statement (see namedQuery): not for searches, whose plans depend on the words. */
  prepare: boolean;
  /** A replica for the public catalogue (see `readsOf`); the primary when absent. */
  on?: SqlReader | null;
}

/**
 * Where a list's statements run: the public catalogue (what anyone may see) may lag a little and
 * goes to a replica when the request allows it (`ctx.lagging`); a list that shows drafts or
 * trainings in review is its editors' or committees' own work, read from the primary.
 */
function readsOf(ctx: Context, visibility: TrainingVisibility): SqlReader | null {
  return visibility.everything || visibility.partnerIds.length > 0 ? null : ctx.lagging;
}

async function fetchPage(ctx: Context, { predicates, order, size, cursor, withTotal, columns, prepare, on }: PageRequest) {
  const matching = conjunction(predicates);
  const where = conjunction(cursor ? [...predicates, afterCursor(order, cursor)] : predicates);
  // Hand-written rather than built by TypeORM's query builder: this is the hottest query. The
  // total rides along: counted by the same scan on a first page, by a subquery after a cursor.
  const total = !withTotal
    ? ''
    : cursor
      ? `, (SELECT count(*) FROM training t WHERE ${matching.sql})::int AS total_count`
      : ', (count(*) OVER ())::int AS total_count';
  const rows = await namedQuery<Record<string, unknown> & { sort_key: string | null; total_count?: number }>(
    ctx.db,
    `SELECT ${selectColumns(ctx.db, Training, 't', columns)}, (${order.expression})::text AS sort_key${total}
     FROM training t WHERE ${where.sql}
     ORDER BY ${order.expression} ${order.direction} NULLS LAST, t.id ${order.direction}
     LIMIT :pageLimit`,
    { ...matching.params, ...where.params, ...order.params, pageLimit: size + 1 },
    { prepare, on },
  );
  const trainings = hydrate(ctx.db, Training, rows);
  return {
    rows: trainings.map((training, index) => ({ training, key: rows[index].sort_key })),
    // With no row on this page the subquery did not run; the count is then asked separately.
    total: rows.length > 0 ? rows[0].total_count : undefined,
  };
}

/** Trainings just read under the viewer's visibility: nested `session.training` needs no second read. */
function primeVisible(ctx: Context, trainings: Training[]): void {
  for (const training of trainings) ctx.loaders.visibleTrainingById.prime(training.id, training);
}

/**
 * A page of the catalogue as the viewer may see it, in keyset order (stable under inserts). A
 * search uses French full text; when that finds nothing at all, trigram similarity takes over
 * (typo tolerance), and the cursor remembers which so that later pages follow the same list.
 */
export async function listTrainings(ctx: Context, args: TrainingListArgs): Promise<TrainingConnection> {
  const size = pageSize(args.first);
  const overlong = overlongFilterLists(args.filter);
  if (overlong.length > 0) throw badUserInput(`Au plus ${MAX_FILTER_VALUES} valeurs par liste du filtre (trop : ${overlong.join(', ')}).`, 'filter');
  const search = parseSearch(args.search);
  const orderBy = args.orderBy ?? (search ? TrainingOrder.RELEVANCE : TrainingOrder.NEWEST);
  // A cursor belongs to one list: this order, this search and these filters.
  const list = `trainings:${orderBy}:${createHash('sha256').update(JSON.stringify([search?.text, args.filter])).digest('base64url').slice(0, 16)}`;
  // The sort key's type does not depend on the search mode, only on the order.
  const keyType = orderSpec(orderBy, search, 'fulltext').type;
  const cursor = args.after === null || args.after === undefined ? null : decodeCursor(args.after, list, keyType);
  let mode: SearchMode = cursor?.mode === 'fuzzy' ? 'fuzzy' : 'fulltext';
  const scope = await catalogueScope(ctx, args.filter);
  const columns = args.fields && columnsFor(ctx.db, Training, args.fields, TRAINING_COLUMNS.needs, TRAINING_COLUMNS.always);
  const on = readsOf(ctx, scope.visibility);

  const read = (current: SearchMode) => {
    const predicates = cataloguePredicates(scope, args.filter, search, current);
    const order = orderSpec(orderBy, search, current);
    return fetchPage(ctx, { predicates, order, size, cursor, withTotal: args.withTotal ?? false, columns, prepare: search === null, on }).then(page => ({ ...page, predicates }));
  };
  let { rows, total, predicates } = await read(mode);
  if (search && cursor === null && rows.length === 0 && !(await fullTextFindsAnything(ctx, scope, search, on))) {
    mode = 'fuzzy';
    ({ rows, total, predicates } = await read(mode));
  }

  return toTrainingConnection(ctx, { rows, total, predicates, size, list, mode: search ? mode : undefined, after: cursor, partial: columns !== undefined, prepare: search === null, on });
}

interface FetchedPage {
  rows: { training: Training; key: string | null }[];
  total: number | undefined;
  predicates: Predicate[];
  size: number;
  list: string;
  mode?: SearchMode;
  after: KeysetPosition | null;
  /** Only some columns were read: such trainings must not serve other paths of the request. */
  partial?: boolean;
  /** Whether its count and facets may be prepared statements (see namedQuery). */
  prepare: boolean;
  /** Where its count and facets run, as its page did. */
  on?: SqlReader | null;
}

function toTrainingConnection(ctx: Context, { rows, total, predicates, size, list, mode, after, partial, prepare, on }: FetchedPage): TrainingConnection {
  if (!partial) primeVisible(ctx, rows.map(row => row.training));
  const page = toPage(rows, { size, list, after, position: row => ({ key: row.key, id: row.training.id, ...(mode && { mode }) }), node: row => row.training });
  const connection = toConnection(
    TrainingConnection,
    page,
    () => (total !== undefined ? Promise.resolve(total) : countTrainings(ctx, predicates, on)),
  );
  connection.computeFacets = () => computeFacets(ctx, predicates, prepare, on);
  return connection;
}

export interface TrainingListSpec {
  /** Names the list in its cursors, so that a cursor of another list is refused. */
  list: string;
  /** Conditions over `t`, visibility included: the caller's list may only hold what the viewer may see. */
  predicates: Predicate[];
  order: OrderSpec;
  first?: number | null;
  after?: string | null;
  withTotal?: boolean;
}

/** A keyset-paged list of trainings other than the catalogue (a committee's review queue, say). */
export async function listTrainingsWhere(ctx: Context, spec: TrainingListSpec): Promise<TrainingConnection> {
  const size = pageSize(spec.first);
  const cursor = spec.after === null || spec.after === undefined ? null : decodeCursor(spec.after, spec.list, spec.order.type);
  const { rows, total } = await fetchPage(ctx, { predicates: spec.predicates, order: spec.order, size, cursor, withTotal: spec.withTotal ?? false, prepare: true });
  return toTrainingConnection(ctx, { rows, total, predicates: spec.predicates, size, list: spec.list, after: cursor, prepare: true });
}

/**
 * Whether full text matches any training the viewer may see, filters aside: the typo fallback is
 * for searches that find nothing at all, so that facets keep offering what the filters hide.
 */
async function fullTextFindsAnything(ctx: Context, scope: CatalogueScope, search: SearchQuery, on: SqlReader | null): Promise<boolean> {
  const where = conjunction(cataloguePredicates(scope, null, search, 'fulltext'));
  const [{ found }] = await namedQuery<{ found: boolean }>(ctx.db, `SELECT EXISTS (SELECT 1 FROM training t WHERE ${where.sql}) AS found`, where.params, { on });
  return found;
}

async function countTrainings(ctx: Context, predicates: Predicate[], on: SqlReader | null | undefined): Promise<number> {
  const where = conjunction(predicates);
  const [{ count }] = await namedQuery<{ count: number }>(ctx.db, `SELECT count(*)::int AS count FROM training t WHERE ${where.sql}`, where.params, { on });
  return count;
}

async function catalogueScope(ctx: Context, filter: TrainingFilter | null | undefined): Promise<CatalogueScope> {
  const agent = filter?.eligibleOnly && ctx.viewer.userId ? await ctx.loaders.userById.load(ctx.viewer.userId) : null;
  return { visibility: visibilityOf(await ctx.grants()), agent };
}

export async function findTrainingBySlug(ctx: Context, slug: string): Promise<Training | null> {
  const training = await ctx.db.getRepository(Training).findOneBy({ slug });
  if (!training || !canSeeTraining(visibilityOf(await ctx.grants()), training)) return null;
  primeVisible(ctx, [training]);
  return training;
}

/**
 * A page of a training's sessions, soonest first, read with the sessions of every other training
 * of the request in one statement (the `sessionPage` loader), only the columns `fields` need.
 */
export async function sessionsOf(
  ctx: Context,
  training: Training,
  args: { upcoming?: boolean | null; first?: number | null; after?: string | null; fields: ReadonlySet<string> },
): Promise<TrainingSessionConnection> {
  // Checked here so that a bad cursor fails this field alone, not the whole batch of sessions.
  if (args.after !== null && args.after !== undefined) decodeCursor(args.after, SESSION_LIST, 'timestamptz');
  const columns = columnsFor(ctx.db, TrainingSession, args.fields, SESSION_COLUMNS.needs, SESSION_COLUMNS.always);
  const page = await ctx.loaders.sessionPage.load({
    trainingId: training.id,
    upcoming: args.upcoming ?? false,
    size: pageSize(args.first),
    after: args.after ?? null,
    columns: columns && [...columns].sort(),
  });
  return toConnection(TrainingSessionConnection, page, async () => page.totalCount);
}

/** A session is visible exactly when its training is. */
export async function findVisibleSession(ctx: Context, sessionId: string): Promise<TrainingSession | null> {
  const session = await ctx.loaders.sessionById.load(sessionId);
  if (!session) return null;
  return (await ctx.loaders.visibleTrainingById.load(session.trainingId)) ? session : null;
}
