import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Partner } from '../catalogue/partner.entity';
import { CreatedNode, Node } from '../graphql/node';
import { ChangeType } from './integration.enums';

/**
 * A partner's subscription to events of the published catalogue, delivered by the `webhook` outbox
 * channel (Standard Webhooks). The secret signs every delivery, so it is kept as issued (never
 * selected unless asked for) and shown to the partner once, at creation.
 */
@ObjectType({ implements: Node, simpleResolvers: true, description: 'Where catalogue events are POSTed, signed (Standard Webhooks).' })
@Entity()
export class Webhook extends CreatedNode {
  @ManyToOne(() => Partner, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  partner?: Partner;

  @Index()
  @Column({ type: 'uuid' })
  partnerId: string;

  @Field()
  @Column({ type: 'varchar', length: 2000 })
  url: string;

  /** ChangeType values: `recordChanges` compares them with the event's type as text. */
  @Field(() => [ChangeType])
  @Column({ type: 'text', array: true })
  events: ChangeType[];

  @Column({ type: 'varchar', length: 200, select: false })
  secret: string;

  @Field({ description: 'False once deactivated after 24 hours of failed deliveries: no new event is queued for it.' })
  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** The first failure since the last success; null while deliveries succeed. */
  @Column({ type: 'timestamptz', nullable: true })
  failingSince: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  deactivatedAt: Date | null;
}
