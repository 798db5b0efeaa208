import type { EntityManager } from 'typeorm';
import { recordAudit, type AuditAction } from '../accounts/audit.service';
import type { Context } from '../context';
import { retryWhen } from '../db/retry';
import { DomainError } from '../graphql/errors';
import { localIdOf, toGlobalId } from '../graphql/global-id';
import { validateInput } from '../graphql/validation';
import { closePlace, lockScopes, movePlace, openPlace, scopeMoved, ScopeMoved, type OrderedTable } from './content-positions';
import { collapsed, trimmed } from './content-text';
import type { FaqEntryInput, TourStepInput } from './content.inputs';
import { FaqEntry } from './faq-entry.entity';
import { TourStep } from './tour-step.entity';

/** The category of an entry created without one. */
export const DEFAULT_FAQ_CATEGORY = 'Général';

type Item = FaqEntry | TourStep;

/** What differs between the FAQ and the tour for the rules below (which are the same). */
interface Kind<E extends Item> {
  entity: { new (): E };
  type: 'FaqEntry' | 'TourStep';
  list: OrderedTable;
  /** The texts an update may change, besides the scope and the position. */
  fields: readonly (keyof E & string)[];
  actions: { created: AuditAction; updated: AuditAction; deleted: AuditAction };
  notFound: string;
  /** What the audit keeps of a deleted item: its text's title, scope and position (no personal data). */
  summary(item: E): Record<string, unknown>;
}

const FAQ: Kind<FaqEntry> = {
  entity: FaqEntry,
  type: 'FaqEntry',
  list: { table: 'faq_entry', scope: 'category' },
  fields: ['question', 'answer'],
  actions: { created: 'FAQ_ENTRY_CREATED', updated: 'FAQ_ENTRY_UPDATED', deleted: 'FAQ_ENTRY_DELETED' },
  notFound: 'Question de la FAQ introuvable.',
  summary: entry => ({ question: entry.question, category: entry.category, position: entry.position }),
};

const TOUR: Kind<TourStep> = {
  entity: TourStep,
  type: 'TourStep',
  list: { table: 'tour_step', scope: 'page' },
  fields: ['target', 'title', 'body'],
  actions: { created: 'TOUR_STEP_CREATED', updated: 'TOUR_STEP_UPDATED', deleted: 'TOUR_STEP_DELETED' },
  notFound: 'Étape de la visite guidée introuvable.',
  summary: step => ({ title: step.title, page: step.page, position: step.position }),
};

const scopeOf = <E extends Item>(kind: Kind<E>, item: E): string => (item as unknown as Record<string, string>)[kind.list.scope];

function notFound<E extends Item>(kind: Kind<E>, field: string[]): DomainError {
  return new DomainError('NOT_FOUND', kind.notFound, field);
}

/**
 * Reads the item, locks its scope (and `nextScope`), then locks the item itself: scope locks come
 * first, as for every writer of a scope. Should the item have changed scope meanwhile, the
 * transaction starts again (`ScopeMoved`).
 */
async function lockItem<E extends Item>(manager: EntityManager, kind: Kind<E>, id: string, nextScope: string | undefined, field: string[]): Promise<E> {
  const seen = await manager.findOneBy(kind.entity, { id } as never);
  if (!seen) throw notFound(kind, field);
  await lockScopes(manager, kind.list, [scopeOf(kind, seen), nextScope ?? scopeOf(kind, seen)]);
  const item = await manager.findOne(kind.entity, { where: { id } as never, lock: { mode: 'pessimistic_write' } });
  if (!item) throw notFound(kind, field);
  if (scopeOf(kind, item) !== scopeOf(kind, seen)) throw new ScopeMoved();
  return item;
}

interface Upsert<E extends Item> {
  globalId: string | null | undefined;
  /** The texts, checked already. */
  values: Partial<E>;
  /** The scope to put the item in; undefined on update: unchanged. */
  scope: string | undefined;
  position: number | null | undefined;
}

async function create<E extends Item>(ctx: Context, manager: EntityManager, kind: Kind<E>, { values, scope, position: requested }: Upsert<E>): Promise<E> {
  await lockScopes(manager, kind.list, [scope!]);
  const position = await openPlace(manager, kind.list, scope!, requested);
  const item = manager.create(kind.entity, { ...values, [kind.list.scope]: scope, position } as never) as E;
  await manager.insert(kind.entity, item as never);
  ctx.catalogueChanged();
  await recordAudit(ctx, manager, kind.actions.created, toGlobalId(kind.type, item.id), { [kind.list.scope]: scope, position });
  return manager.findOneByOrFail(kind.entity, { id: item.id } as never);
}

async function update<E extends Item>(ctx: Context, manager: EntityManager, kind: Kind<E>, id: string, { values, scope, position: requested }: Upsert<E>): Promise<E> {
  const item = await lockItem(manager, kind, id, scope, ['input', 'id']);
  const from = scopeOf(kind, item);
  const to = scope ?? from;
  let position = item.position;
  if (to !== from) {
    await closePlace(manager, kind.list, from, item.position);
    position = await openPlace(manager, kind.list, to, requested);
  } else if (requested !== null && requested !== undefined) {
    position = await movePlace(manager, kind.list, from, item.position, requested);
  }
  const changed: string[] = kind.fields.filter(field => values[field] !== undefined && values[field] !== item[field]);
  if (to !== from) changed.push(kind.list.scope);
  if (position !== item.position) changed.push('position');
  if (changed.length === 0) return item; // nothing to write, nothing to record
  await manager.update(kind.entity, { id } as never, { ...values, [kind.list.scope]: to, position } as never);
  ctx.catalogueChanged();
  await recordAudit(ctx, manager, kind.actions.updated, toGlobalId(kind.type, id), {
    changed,
    before: { [kind.list.scope]: from, position: item.position },
    after: { [kind.list.scope]: to, position },
  });
  return manager.findOneByOrFail(kind.entity, { id } as never);
}

async function upsert<E extends Item>(ctx: Context, kind: Kind<E>, change: Upsert<E>): Promise<E> {
  const given = change.globalId !== null && change.globalId !== undefined;
  const id = given ? localIdOf(change.globalId!, kind.type) : null;
  if (given && id === null) throw notFound(kind, ['input', 'id']);
  return retryWhen(scopeMoved, () => ctx.db.transaction(manager => (id === null ? create(ctx, manager, kind, change) : update(ctx, manager, kind, id, change))));
}

async function remove<E extends Item>(ctx: Context, kind: Kind<E>, globalId: string): Promise<{ deletedId: string }> {
  const id = localIdOf(globalId, kind.type);
  if (id === null) throw notFound(kind, ['id']);
  await retryWhen(scopeMoved, () =>
    ctx.db.transaction(async manager => {
      const item = await lockItem(manager, kind, id, undefined, ['id']);
      await manager.delete(kind.entity, { id } as never);
      await closePlace(manager, kind.list, scopeOf(kind, item), item.position);
      ctx.catalogueChanged();
      await recordAudit(ctx, manager, kind.actions.deleted, toGlobalId(kind.type, id), kind.summary(item));
    }),
  );
  return { deletedId: toGlobalId(kind.type, id) };
}

/** EDITORIAL_COMMITTEE or ADMIN (checked on the resolver): creates or replaces a FAQ entry, keeping positions dense. */
export async function upsertFaqEntry(ctx: Context, input: FaqEntryInput): Promise<{ faqEntry: FaqEntry }> {
  input.question = trimmed(input.question);
  input.answer = trimmed(input.answer);
  if (input.category !== null && input.category !== undefined) input.category = collapsed(input.category);
  await validateInput(input, ['input']);
  const creating = input.id === null || input.id === undefined;
  const faqEntry = await upsert(ctx, FAQ, {
    globalId: input.id,
    values: { question: input.question, answer: input.answer },
    scope: input.category ?? (creating ? DEFAULT_FAQ_CATEGORY : undefined),
    position: input.position,
  });
  return { faqEntry };
}

export function deleteFaqEntry(ctx: Context, globalId: string): Promise<{ deletedId: string }> {
  return remove(ctx, FAQ, globalId);
}

/** EDITORIAL_COMMITTEE or ADMIN (checked on the resolver): creates or replaces a tour step, keeping positions dense. */
export async function upsertTourStep(ctx: Context, input: TourStepInput): Promise<{ tourStep: TourStep }> {
  input.page = trimmed(input.page);
  input.target = trimmed(input.target);
  input.title = trimmed(input.title);
  input.body = trimmed(input.body);
  await validateInput(input, ['input']);
  const tourStep = await upsert(ctx, TOUR, {
    globalId: input.id,
    values: { target: input.target, title: input.title, body: input.body },
    scope: input.page,
    position: input.position,
  });
  return { tourStep };
}

export function deleteTourStep(ctx: Context, globalId: string): Promise<{ deletedId: string }> {
  return remove(ctx, TOUR, globalId);
}
