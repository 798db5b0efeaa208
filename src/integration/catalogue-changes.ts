import type { EntityManager } from 'typeorm';
import type { ChangeType } from './integration.enums';

export interface ChangeRecord {
  type: ChangeType;
  trainingId: string;
  sessionId?: string | null;
}

/**
 * Records events of the published catalogue in the caller's transaction (one statement however
 * many): they exist if and only if the change commits. Callers record only changes readers of the
 * public catalogue can see (a published training, its sessions, its archiving).
 */
export async function recordChanges(manager: EntityManager, changes: readonly ChangeRecord[]): Promise<void> {
  if (changes.length === 0) return;
  await manager.query(
    `INSERT INTO catalogue_change (transaction_id, type, training_id, session_id)
     SELECT pg_current_xact_id()::text::bigint, type::catalogue_change_type_enum, training_id, session_id
     FROM unnest($1::text[], $2::uuid[], $3::uuid[]) AS change(type, training_id, session_id)`,
    [changes.map(change => change.type), changes.map(change => change.trainingId), changes.map(change => change.sessionId ?? null)],
  );
}
