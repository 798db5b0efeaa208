import { randomBytes } from 'node:crypto';
import { forbidden } from '../auth/auth-checker';
import { Partner } from '../catalogue/partner.entity';
import type { Context } from '../context';
import { toConnection } from '../graphql/connection';
import { badUserInput, DomainError } from '../graphql/errors';
import { localIdOf, toGlobalId } from '../graphql/global-id';
import { validateInput } from '../graphql/validation';
import { addressPolicyOf, AddressRefused, checkWebhookTarget, resolverOf } from './webhook-address';
import { countDeliveries, findDelivery, pageDeliveries } from './webhook-deliveries';
import type { WebhookDelivery } from './webhook-delivery.entity';
import { mayManageWebhooks } from './webhook-rights';
import { WEBHOOK_CHANNEL } from './webhook-sender';
import { WebhookDeliveryConnection, type WebhookInput } from './webhook.types';
import { Webhook } from './webhook.entity';

/** Beyond this, each event would fan out to too many calls for one partner. */
export const MAX_WEBHOOKS_PER_PARTNER = 20;

async function requireManaged(ctx: Context, webhook: Webhook): Promise<Webhook> {
  if (!mayManageWebhooks(ctx.viewer, await ctx.grants(), webhook.partnerId)) throw forbidden();
  return webhook;
}

/** The webhook behind a global id, if the caller manages it: unknown is NOT_FOUND (a user error), another partner's FORBIDDEN. */
async function managedWebhook(ctx: Context, globalId: string, field: string[]): Promise<Webhook> {
  const id = localIdOf(globalId, 'Webhook');
  const webhook = id ? await ctx.db.manager.findOneBy(Webhook, { id }) : null;
  if (!webhook) throw new DomainError('NOT_FOUND', 'Webhook introuvable.', field);
  return requireManaged(ctx, webhook);
}

/**
 * Creates a webhook; its secret (`whsec_` + base64 of 32 random bytes, the Standard Webhooks form)
 * is answered this once. The URL is checked as the process's policy says (production: https to
 * public addresses only, every address the name resolves to).
 */
export async function createWebhook(ctx: Context, input: WebhookInput): Promise<{ webhook: Webhook; secret: string }> {
  await validateInput(input, ['input']);
  const partner = await ctx.db.manager.findOneBy(Partner, { slug: input.partner });
  if (!partner) throw new DomainError('NOT_FOUND', `Partenaire inconnu : ${input.partner}.`, ['input', 'partner']);
  if (!mayManageWebhooks(ctx.viewer, await ctx.grants(), partner.id)) throw forbidden();
  const url = input.url.trim();
  try {
    await checkWebhookTarget(url, addressPolicyOf(ctx.db), resolverOf(ctx.db));
  } catch (error) {
    if (error instanceof AddressRefused) throw new DomainError('VALIDATION', error.message, ['input', 'url']);
    throw error;
  }
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  return ctx.db.transaction(async manager => {
    // Serialises creations for one partner, so that the limit holds under races.
    await manager.query(`SELECT 1 FROM partner WHERE id = $1 FOR UPDATE`, [partner.id]);
    const count = await manager.countBy(Webhook, { partnerId: partner.id });
    if (count >= MAX_WEBHOOKS_PER_PARTNER) {
      throw new DomainError('VALIDATION', `Un partenaire a au plus ${MAX_WEBHOOKS_PER_PARTNER} webhooks : supprimez-en un d’abord.`, ['input', 'partner']);
    }
    const webhook = manager.create(Webhook, { partnerId: partner.id, url, events: [...new Set(input.events)], secret, active: true, failingSince: null, deactivatedAt: null });
    await manager.insert(Webhook, webhook);
    return { webhook: await manager.findOneByOrFail(Webhook, { id: webhook.id }), secret };
  });
}

export async function listWebhooks(ctx: Context, partnerSlug: string): Promise<Webhook[]> {
  const partner = await ctx.db.manager.findOneBy(Partner, { slug: partnerSlug });
  if (!partner) throw badUserInput(`Partenaire inconnu : ${partnerSlug}.`, 'partner');
  if (!mayManageWebhooks(ctx.viewer, await ctx.grants(), partner.id)) throw forbidden();
  return ctx.db.manager.find(Webhook, { where: { partnerId: partner.id }, order: { createdAt: 'ASC', id: 'ASC' } });
}

/** Deletes a webhook with its delivery log; deliveries not yet made are dropped from the outbox. */
export async function deleteWebhook(ctx: Context, globalId: string): Promise<{ deletedId: string }> {
  const webhook = await managedWebhook(ctx, globalId, ['id']);
  await ctx.db.transaction(async manager => {
    await manager.query(`DELETE FROM outbox_message WHERE id IN (SELECT outbox_message_id FROM webhook_delivery WHERE webhook_id = $1)`, [webhook.id]);
    await manager.delete(Webhook, { id: webhook.id });
  });
  return { deletedId: toGlobalId('Webhook', webhook.id) };
}

export async function listDeliveries(ctx: Context, webhookGlobalId: string, first: number | null | undefined, after: string | null | undefined) {
  const id = localIdOf(webhookGlobalId, 'Webhook');
  const webhook = id ? await ctx.db.manager.findOneBy(Webhook, { id }) : null;
  if (!webhook) throw badUserInput('Webhook introuvable.', 'webhookId');
  await requireManaged(ctx, webhook);
  const page = await pageDeliveries(ctx.db.manager, webhook.id, first, after);
  return toConnection(WebhookDeliveryConnection, page, () => countDeliveries(ctx.db.manager, webhook.id));
}

/**
 * Sends a delivery's event again, as a new delivery of the same body and `webhook-id` with a fresh
 * schedule of retries; the old one stays in the log as it ended.
 */
export async function redeliverWebhook(ctx: Context, deliveryGlobalId: string): Promise<{ delivery: WebhookDelivery }> {
  const id = localIdOf(deliveryGlobalId, 'WebhookDelivery');
  const original = id ? await findDelivery(ctx.db.manager, id) : null;
  if (!original) throw new DomainError('NOT_FOUND', 'Envoi introuvable.', ['deliveryId']);
  const webhook = await requireManaged(ctx, await ctx.db.manager.findOneByOrFail(Webhook, { id: original.webhookId }));
  if (!webhook.active) throw new DomainError('INVALID_TRANSITION', 'Ce webhook est désactivé : créez-en un nouveau.');
  const delivery = await ctx.db.transaction(async manager => {
    const [{ id: newId }]: { id: string }[] = await manager.query(
      `WITH message AS (
         INSERT INTO outbox_message (channel, payload) SELECT $2, payload FROM outbox_message WHERE id = $1 RETURNING id
       )
       INSERT INTO webhook_delivery (webhook_id, change_id, outbox_message_id) SELECT $3, $4, id FROM message RETURNING id`,
      [original.outboxMessageId, WEBHOOK_CHANNEL, original.webhookId, original.changeId],
    );
    return findDelivery(manager, newId);
  });
  ctx.outboxWritten(WEBHOOK_CHANNEL);
  return { delivery: delivery! };
}

/** Whether the caller manages this partner's webhooks (outside `@Authorized`: a revoked client counts for nothing). */
async function managesWebhooksOf(ctx: Context, partnerId: string): Promise<boolean> {
  if (ctx.viewer.client && !(await ctx.loaders.activeClientById.load(ctx.viewer.client.id))) return false;
  return mayManageWebhooks(ctx.viewer, await ctx.grants(), partnerId);
}

/** For `node(id)`: the webhook if the caller manages it, else null (nobody else learns it exists). */
export async function findManagedWebhook(ctx: Context, id: string): Promise<Webhook | null> {
  const webhook = await ctx.db.manager.findOneBy(Webhook, { id });
  return webhook && (await managesWebhooksOf(ctx, webhook.partnerId)) ? webhook : null;
}

/** For `node(id)`: the delivery if the caller manages its webhook, else null. */
export async function findManagedDelivery(ctx: Context, id: string): Promise<WebhookDelivery | null> {
  const delivery = await findDelivery(ctx.db.manager, id);
  return delivery && (await findManagedWebhook(ctx, delivery.webhookId)) ? delivery : null;
}
