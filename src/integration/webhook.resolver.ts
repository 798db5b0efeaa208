import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../accounts/accounts.enums';
import { scope } from '../auth/auth-checker';
import { Partner } from '../catalogue/partner.entity';
import type { Context } from '../context';
import { perPageItem } from '../graphql/complexity';
import { runMutation } from '../graphql/run-mutation';
import { WEBHOOKS_SCOPE } from './webhook-rights';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, redeliverWebhook } from './webhook.service';
import { DeleteWebhookPayload, WebhookDeliveryConnection, WebhookDeliveryPayload, WebhookInput, WebhookPayload } from './webhook.types';
import { Webhook } from './webhook.entity';

/** A partner's editors, admins, and the partner's own API clients with `webhooks:manage` (the partner is checked in the service). */
@Authorized(Role.EDITOR, Role.ADMIN, scope(WEBHOOKS_SCOPE))
@Resolver(() => Webhook)
export class WebhookResolver {
  @Query(() => [Webhook], { description: 'The partner’s webhooks, oldest first.' })
  webhooks(@Ctx() ctx: Context, @Arg('partner') partner: string): Promise<Webhook[]> {
    return listWebhooks(ctx, partner);
  }

  @Query(() => WebhookDeliveryConnection, { description: 'A webhook’s deliveries, newest first, each with its attempts, last answer and state.', complexity: perPageItem })
  webhookDeliveries(
    @Ctx() ctx: Context,
    @Arg('webhookId', () => ID) webhookId: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<WebhookDeliveryConnection> {
    return listDeliveries(ctx, webhookId, first, after);
  }

  @Mutation(() => WebhookPayload, { description: 'Subscribes a URL to catalogue events; the signing secret is in this answer only.' })
  createWebhook(@Ctx() ctx: Context, @Arg('input') input: WebhookInput): Promise<WebhookPayload> {
    return runMutation(ctx, () => createWebhook(ctx, input));
  }

  @Mutation(() => DeleteWebhookPayload, { description: 'Deletes the webhook, its delivery log and the deliveries not yet made.' })
  deleteWebhook(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<DeleteWebhookPayload> {
    return runMutation(ctx, () => deleteWebhook(ctx, id));
  }

  @Mutation(() => WebhookDeliveryPayload, { description: 'Sends a delivery’s event again now (same body, same `webhook-id`), as a new delivery.' })
  redeliverWebhook(@Ctx() ctx: Context, @Arg('deliveryId', () => ID) deliveryId: string): Promise<WebhookDeliveryPayload> {
    return runMutation(ctx, () => redeliverWebhook(ctx, deliveryId));
  }

  @FieldResolver(() => Partner)
  partner(@Ctx() ctx: Context, @Root() webhook: Webhook): Promise<Partner> {
    return ctx.loaders.partnerById.load(webhook.partnerId) as Promise<Partner>;
  }
}
