import type { EntityManager } from 'typeorm';
import type { ChangeType } from './integration.enums';

export interface ChangeRecord {
  type: ChangeType;
  trainingId: string;
  sessionId?: string | null;
}

/**
 * Records events of the published catalogue in the caller's transaction, and queues one webhook
 * delivery (an outbox message of channel `webhook`, with its `webhook_delivery` row) per event
 * and active webhook subscribed to its type: one statement however many events and webhooks, and
 * all of it exists if and only if the change commits. Callers record only changes readers of the
 * public catalogue can see (a published training, its sessions, its archiving), so every webhook
 * receives every event of its types, whichever partner's training it concerns: the same events
 * `catalogueChanges` hands anyone.
 */
export async function recordChanges(manager: EntityManager, changes: readonly ChangeRecord[]): Promise<void> {
  if (changes.length === 0) return;
  await manager.query(
    `WITH change AS (
       INSERT INTO catalogue_change (transaction_id, type, training_id, session_id)
       SELECT pg_current_xact_id()::text::bigint, type::catalogue_change_type_enum, training_id, session_id
       FROM unnest($1::text[], $2::uuid[], $3::uuid[]) AS change(type, training_id, session_id)
       RETURNING id, type, training_id, session_id, occurred_at
     ), due AS (
       SELECT c.id AS change_id, w.id AS webhook_id, jsonb_build_object(
         'webhookId', w.id, 'eventId', c.id::text, 'type', c.type, 'occurredAt', c.occurred_at,
         'trainingId', c.training_id, 'sessionId', c.session_id, 'slug', t.slug) AS payload
       FROM change c
       JOIN training t ON t.id = c.training_id
       JOIN webhook w ON w.active AND c.type::text = ANY (w.events)
     ), message AS (
       INSERT INTO outbox_message (channel, payload)
       SELECT 'webhook', payload FROM due ORDER BY change_id, webhook_id
       RETURNING id, payload
     )
     INSERT INTO webhook_delivery (webhook_id, change_id, outbox_message_id)
     SELECT (payload->>'webhookId')::uuid, (payload->>'eventId')::bigint, id FROM message`,
    [changes.map(change => change.type), changes.map(change => change.trainingId), changes.map(change => change.sessionId ?? null)],
  );
}
