import { createHmac } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { toGlobalId } from '../graphql/global-id';
import type { ClaimedMessage } from '../outbox/outbox';
import { UndeliverableMessage, type ChannelSender } from '../outbox/outbox-sender';
import type { ChangeType } from './integration.enums';
import { resolverOf, type AddressPolicy } from './webhook-address';
import { sendWebhook, WEBHOOK_LIMITS, type PostLimits } from './webhook-http';
import { notifyDeactivation } from './webhook-mails';

export const WEBHOOK_CHANNEL = 'webhook';

/** 10 s × 2ⁿ, capped at 6 h: 15 retries over about 30 hours, so that a receiver down for a day still gets its events. */
export const WEBHOOK_MAX_ATTEMPTS = 16;
export const webhookRetryDelaySeconds = (attempt: number): number => Math.min(10 * 2 ** (attempt - 1), 6 * 3_600);

/** What `recordChanges` queues for one webhook and one event: the body is rebuilt from it, the same on every attempt. */
export interface WebhookMessage {
  webhookId: string;
  /** The catalogue_change id: the `webhook-id` header. */
  eventId: string;
  type: ChangeType;
  occurredAt: string;
  trainingId: string;
  sessionId: string | null;
  slug: string;
}

/** The body of the contract: `{ type, timestamp, data: { trainingId, slug, sessionId } }`, with global ids. */
export function webhookBody(message: WebhookMessage): string {
  return JSON.stringify({
    type: message.type,
    timestamp: new Date(message.occurredAt).toISOString(),
    data: {
      trainingId: toGlobalId('Training', message.trainingId),
      slug: message.slug,
      sessionId: message.sessionId === null ? null : toGlobalId('TrainingSession', message.sessionId),
    },
  });
}

/** Standard Webhooks: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the bytes after `whsec_`. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export interface WebhookSettings {
  policy: AddressPolicy;
  limits?: PostLimits;
  /** Wakes this process's mail sender after a deactivation notice was queued. */
  outboxWritten(channel: string): void;
}

const FAILING_FOR_TOO_LONG = `interval '24 hours'`;

/**
 * The webhook channel of the outbox: each claimed message is one event for one webhook. The URL is
 * checked again at every attempt and the checked address is the one connected to. A 2xx ends it;
 * anything else is retried (the outbox's schedule, `webhookRetryDelaySeconds`), and a webhook with
 * no success for 24 hours while failing is deactivated and its partner's editors told.
 */
export function webhookSender(db: DataSource, settings: WebhookSettings): ChannelSender {
  const limits = settings.limits ?? WEBHOOK_LIMITS;
  const stopping = new AbortController();

  async function recordSuccess(message: ClaimedMessage, webhookId: string, status: number): Promise<void> {
    await db.query(
      `WITH delivery AS (UPDATE webhook_delivery SET response_status = $2 WHERE outbox_message_id = $1)
       UPDATE webhook SET failing_since = NULL WHERE id = $3 AND failing_since IS NOT NULL`,
      [message.id, status, webhookId],
    );
  }

  /** Whether this failure deactivated the webhook (then its other pending deliveries are given up). */
  async function recordFailure(message: ClaimedMessage, webhookId: string, status: number | null): Promise<boolean> {
    return db.transaction(async manager => {
      const [rows]: [{ deactivated: boolean; partner_id: string; url: string }[], number] = await manager.query(
        `WITH delivery AS (UPDATE webhook_delivery SET response_status = $2 WHERE outbox_message_id = $1)
         UPDATE webhook w SET
           failing_since = COALESCE(w.failing_since, now()),
           active = w.active AND NOT coalesce(w.failing_since <= now() - ${FAILING_FOR_TOO_LONG}, false),
           deactivated_at = CASE WHEN w.active AND w.failing_since <= now() - ${FAILING_FOR_TOO_LONG} THEN now() ELSE w.deactivated_at END
         FROM (SELECT id, active FROM webhook WHERE id = $3 FOR UPDATE) before
         WHERE w.id = before.id
         RETURNING before.active AND NOT w.active AS deactivated, w.partner_id, w.url`,
        [message.id, status, webhookId],
      );
      const [webhook] = rows;
      if (!webhook?.deactivated) return false;
      await manager.query(
        `UPDATE outbox_message SET status = 'FAILED', last_error = 'webhook désactivé après 24 h d’échecs'
         WHERE status = 'PENDING' AND id <> $2 AND id IN (SELECT outbox_message_id FROM webhook_delivery WHERE webhook_id = $1)`,
        [webhookId, message.id],
      );
      await notifyDeactivation(settings, manager, { partnerId: webhook.partner_id, url: webhook.url });
      return true;
    });
  }

  async function deliver(message: ClaimedMessage): Promise<void> {
    const event = message.payload as unknown as WebhookMessage;
    const [webhook]: { url: string; secret: string; active: boolean }[] = await db.query(`SELECT url, secret, active FROM webhook WHERE id = $1`, [event.webhookId]);
    if (!webhook) throw new UndeliverableMessage('webhook supprimé');
    if (!webhook.active) throw new UndeliverableMessage('webhook désactivé');
    let status: number | null = null;
    const started = Date.now();
    const logAttempt = (error: unknown) =>
      db.query(
        `INSERT INTO webhook_attempt (delivery_id, response_status, error, duration_ms) SELECT id, $2, $3, $4 FROM webhook_delivery WHERE outbox_message_id = $1`,
        [message.id, status, error === null ? null : String((error as Error).message ?? error).slice(0, 2000), Date.now() - started],
      );
    try {
      const body = webhookBody(event);
      const timestamp = Math.floor(Date.now() / 1000);
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'Mentor-Webhooks/1.0',
        'webhook-id': event.eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(webhook.secret, event.eventId, timestamp, body),
      };
      // The name resolved again and checked, within the attempt's limits (see sendWebhook).
      const response = await sendWebhook({ url: webhook.url, headers, body }, settings.policy, resolverOf(db), limits, stopping.signal);
      status = response.status;
      if (status < 200 || status > 299) throw new Error(`HTTP ${status}${response.body ? ` : ${response.body.slice(0, 200)}` : ''}`);
    } catch (error) {
      if (stopping.signal.aborted) throw error;
      await logAttempt(error);
      if (await recordFailure(message, event.webhookId, status)) {
        throw new UndeliverableMessage(`${(error as Error).message} ; webhook désactivé après 24 h d’échecs`);
      }
      throw error;
    }
    await logAttempt(null);
    await recordSuccess(message, event.webhookId, status);
  }

  return {
    channel: WEBHOOK_CHANNEL,
    maxAttempts: WEBHOOK_MAX_ATTEMPTS,
    // A delivery takes at most 15 s: a minute's lease is enough, and a process that dies mid-way hands it on soon.
    timing: { pollMs: 1_000, leaseSeconds: 60, retryDelaySeconds: webhookRetryDelaySeconds },
    deliver,
    abort() {
      stopping.abort();
    },
  };
}
