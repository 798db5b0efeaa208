import type { DataSource, EntityManager } from 'typeorm';
import type { Context } from '../context';
import { toConnection } from '../graphql/connection';
import { toGlobalId } from '../graphql/global-id';
import { decodeCursor, pageSize, toPage } from '../graphql/pagination';
import { AuditEntry } from './audit-entry.entity';
import { AuditEntryConnection } from './account.types';

export type AuditAction =
  | 'ROLE_GRANTED'
  | 'ROLE_REVOKED'
  | 'API_CLIENT_CREATED'
  | 'API_CLIENT_REVOKED'
  | 'TRAINING_PUBLISHED'
  | 'REVISION_PUBLISHED'
  | 'TRAINING_ARCHIVED'
  | 'SESSION_CANCELLED'
  | 'TRAININGS_IMPORTED'
  | 'FAQ_ENTRY_CREATED'
  | 'FAQ_ENTRY_UPDATED'
  | 'FAQ_ENTRY_DELETED'
  | 'TOUR_STEP_CREATED'
  | 'TOUR_STEP_UPDATED'
  | 'TOUR_STEP_DELETED'
  | 'ACCOUNT_DELETED';

function actorOf(ctx: Context): string | null {
  if (ctx.viewer.userId) return toGlobalId('User', ctx.viewer.userId);
  return ctx.viewer.client ? toGlobalId('ApiClient', ctx.viewer.client.id) : null;
}

/** Records an action in the caller's transaction: it is kept exactly when the action is. */
export async function recordAudit(ctx: Context, manager: EntityManager, action: AuditAction, target: string, details: Record<string, unknown>) {
  await manager.save(manager.create(AuditEntry, { actor: actorOf(ctx), action, target, details }));
}

/** How many of the entries someone made the RGPD export lists (an admin's may be countless; those about them are all listed). */
export const ACTIONS_EXPORTED = 1_000;

/**
 * For the RGPD export, oldest first: every entry about someone (a global id), and the latest
 * ACTIONS_EXPORTED they made, with how many they made in all.
 */
export async function auditEntriesConcerning(db: DataSource, globalId: string): Promise<{ about: AuditEntry[]; made: AuditEntry[]; madeInAll: number }> {
  const entries = db.getRepository(AuditEntry);
  const [about, made, madeInAll] = await Promise.all([
    entries.find({ where: { target: globalId }, order: { createdAt: 'ASC', id: 'ASC' } }),
    entries.find({ where: { actor: globalId }, order: { createdAt: 'DESC', id: 'DESC' }, take: ACTIONS_EXPORTED }),
    entries.count({ where: { actor: globalId } }),
  ]);
  return { about, made: made.reverse(), madeInAll };
}

const AUDIT_LIST = 'audit';

/** Newest first, keyset-paged. */
export async function listAudit(ctx: Context, first: number | null | undefined, after: string | null | undefined): Promise<AuditEntryConnection> {
  const size = pageSize(first);
  const query = ctx.db.getRepository(AuditEntry).createQueryBuilder('a').orderBy('a.created_at', 'DESC').addOrderBy('a.id', 'DESC').limit(size + 1);
  const cursor = after === null || after === undefined ? null : decodeCursor(after, AUDIT_LIST, 'timestamptz');
  if (cursor) {
    query.where('(a.created_at, a.id) < (CAST(:key AS timestamptz), CAST(:id AS uuid))', { key: cursor.key, id: cursor.id });
  }
  const { entities, raw } = await query.addSelect('a.created_at::text', 'sort_key').getRawAndEntities<{ sort_key: string }>();
  const keys = new Map(entities.map((entry, index) => [entry.id, raw[index].sort_key]));
  const page = toPage(entities, { size, list: AUDIT_LIST, after: cursor, position: entry => ({ key: keys.get(entry.id)!, id: entry.id }) });
  return toConnection(AuditEntryConnection, page, async () => ctx.db.getRepository(AuditEntry).count());
}
