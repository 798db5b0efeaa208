import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { OutboxMessage } from '../outbox/outbox-message.entity';
import { CreatedNode, Node } from '../graphql/node';
import { CatalogueChange } from './catalogue-change.entity';
import { ChangeType } from './integration.enums';
import { Webhook } from './webhook.entity';

export enum DeliveryStatus {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}

registerEnumType(DeliveryStatus, { name: 'DeliveryStatus', description: 'Where a delivery stands: PENDING until a 2xx (SUCCEEDED) or the last retry (FAILED).' });

/**
 * One event for one webhook. Its attempts, status, next attempt and last error are those of its
 * outbox message (channel `webhook`), which the outbox sender keeps; this row adds what the log
 * shows beyond them. The GraphQL-only fields are filled by `listDeliveries`.
 */
@ObjectType({ implements: Node, simpleResolvers: true, description: 'One event sent (or being sent) to a webhook, with its attempts.' })
@Entity()
@Index(['webhookId', 'createdAt', 'id'])
export class WebhookDelivery extends CreatedNode {
  @ManyToOne(() => Webhook, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  webhook?: Webhook;

  @Column({ type: 'uuid' })
  webhookId: string;

  @ManyToOne(() => CatalogueChange, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  change?: CatalogueChange;

  @Index()
  @Column({ type: 'bigint' })
  changeId: string;

  @ManyToOne(() => OutboxMessage, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  outboxMessage?: OutboxMessage;

  @Index({ unique: true })
  @Column({ type: 'bigint' })
  outboxMessageId: string;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last attempt; null when it got no answer (refused, timed out).' })
  @Column({ type: 'int', nullable: true })
  responseStatus: number | null;

  @Field(() => ID, { description: 'The `webhook-id` header: the event’s id, the same on every retry and redelivery.' })
  get eventId(): string {
    return this.changeId;
  }

  @Field(() => ChangeType)
  type: ChangeType;

  @Field(() => DeliveryStatus)
  status: DeliveryStatus;

  @Field(() => Int, { description: 'Attempts made (or under way).' })
  attempts: number;

  @Field(() => String, { nullable: true })
  lastError: string | null;

  @Field(() => Date, { nullable: true, description: 'When the next attempt is due; null once SUCCEEDED or FAILED.' })
  nextAttemptAt: Date | null;
}
