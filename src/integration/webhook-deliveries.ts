import type { EntityManager } from 'typeorm';
import { decodeCursor, pageSize, toPage, type Page } from '../graphql/pagination';
import { OutboxStatus } from '../outbox/outbox-message.entity';
import type { ChangeType } from './integration.enums';
import { DeliveryStatus, WebhookDelivery } from './webhook-delivery.entity';

interface DeliveryRow {
  id: string;
  webhook_id: string;
  change_id: string;
  outbox_message_id: string;
  response_status: number | null;
  created_at: Date;
  sort_key: string;
  type: ChangeType;
  outbox_status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date;
}

const STATUS: Record<OutboxStatus, DeliveryStatus> = {
  [OutboxStatus.PENDING]: DeliveryStatus.PENDING,
  [OutboxStatus.HELD]: DeliveryStatus.PENDING,
  [OutboxStatus.SENT]: DeliveryStatus.SUCCEEDED,
  [OutboxStatus.FAILED]: DeliveryStatus.FAILED,
};

/** A delivery with what its outbox message says of it (attempts, status, next attempt, last error). */
const SELECT = `SELECT d.id, d.webhook_id, d.change_id::text AS change_id, d.outbox_message_id::text AS outbox_message_id, d.response_status,
    d.created_at, d.created_at::text AS sort_key, c.type::text AS type,
    m.status AS outbox_status, m.attempts, m.last_error, m.next_attempt_at
  FROM webhook_delivery d
  JOIN catalogue_change c ON c.id = d.change_id
  JOIN outbox_message m ON m.id = d.outbox_message_id`;

function toDelivery(row: DeliveryRow): WebhookDelivery {
  const status = STATUS[row.outbox_status];
  return Object.assign(new WebhookDelivery(), {
    id: row.id,
    webhookId: row.webhook_id,
    changeId: row.change_id,
    outboxMessageId: row.outbox_message_id,
    responseStatus: row.response_status,
    createdAt: row.created_at,
    type: row.type,
    status,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: status === DeliveryStatus.PENDING ? row.next_attempt_at : null,
  });
}

export async function findDelivery(manager: EntityManager, id: string): Promise<WebhookDelivery | null> {
  const [row]: DeliveryRow[] = await manager.query(`${SELECT} WHERE d.id = $1`, [id]);
  return row ? toDelivery(row) : null;
}

/** A page of a webhook's deliveries, newest first (keyset on created_at, id): one statement. */
export async function pageDeliveries(manager: EntityManager, webhookId: string, first: number | null | undefined, after: string | null | undefined): Promise<Page<WebhookDelivery>> {
  const size = pageSize(first);
  const list = 'webhookDeliveries';
  const cursor = after ? decodeCursor(after, list, 'timestamptz') : null;
  const rows: DeliveryRow[] = await manager.query(
    `${SELECT}
     WHERE d.webhook_id = $1 AND ($2::timestamptz IS NULL OR (d.created_at, d.id) < ($2::timestamptz, $3::uuid))
     ORDER BY d.created_at DESC, d.id DESC LIMIT $4`,
    [webhookId, cursor?.key ?? null, cursor?.id ?? null, size + 1],
  );
  return toPage(rows, { size, list, after: cursor, position: row => ({ key: row.sort_key, id: row.id }), node: toDelivery });
}

export async function countDeliveries(manager: EntityManager, webhookId: string): Promise<number> {
  const [{ count }]: { count: number }[] = await manager.query(`SELECT count(*)::int AS count FROM webhook_delivery WHERE webhook_id = $1`, [webhookId]);
  return count;
}
