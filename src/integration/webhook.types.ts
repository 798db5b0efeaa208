import { ArrayMaxSize, ArrayMinSize, IsString, MaxLength } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { ConnectionType } from '../graphql/connection';
import { UserError } from '../graphql/errors';
import { ChangeType } from './integration.enums';
import { WebhookDelivery } from './webhook-delivery.entity';
import { Webhook } from './webhook.entity';

@InputType({ description: 'A webhook to create: where, for which partner, which event types.' })
export class WebhookInput {
  @Field({ description: 'The partner’s slug, e.g. "maa".' })
  @IsString()
  partner: string;

  @Field({ description: 'In production: https, to a public address (checked again at every delivery).' })
  @IsString()
  @MaxLength(2000, { message: 'L’adresse dépasse 2 000 caractères.' })
  url: string;

  @Field(() => [ChangeType], { description: 'Event types to receive: every event of these types, in the whole published catalogue.' })
  @ArrayMinSize(1, { message: 'Choisissez au moins un type d’événement.' })
  @ArrayMaxSize(6)
  events: ChangeType[];
}

@ObjectType({ simpleResolvers: true })
export class WebhookPayload {
  @Field(() => Webhook, { nullable: true })
  webhook?: Webhook | null;

  @Field(() => String, { nullable: true, description: 'The signing secret (`whsec_` + base64), shown this once: keep it.' })
  secret?: string | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@ObjectType({ simpleResolvers: true })
export class DeleteWebhookPayload {
  @Field(() => ID, { nullable: true, description: 'The id of the deleted webhook; its pending deliveries are dropped.' })
  deletedId?: string | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@ObjectType({ simpleResolvers: true })
export class WebhookDeliveryPayload {
  @Field(() => WebhookDelivery, { nullable: true, description: 'The new delivery: the same event (same `webhook-id`), sent again now.' })
  delivery?: WebhookDelivery | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@ObjectType({ description: 'A webhook’s deliveries, newest first.' })
export class WebhookDeliveryConnection extends ConnectionType(WebhookDelivery, 'WebhookDelivery') {}
