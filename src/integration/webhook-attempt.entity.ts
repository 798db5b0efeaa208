import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { WebhookDelivery } from './webhook-delivery.entity';

/** One try of a delivery: when, how it ended, how long it took. */
@ObjectType({ simpleResolvers: true, description: 'One attempt of a webhook delivery.' })
@Entity()
@Index(['deliveryId', 'id'])
export class WebhookAttempt {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @ManyToOne(() => WebhookDelivery, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  delivery?: WebhookDelivery;

  @Column({ type: 'uuid' })
  deliveryId: string;

  @Field()
  @Column({ type: 'timestamptz', default: () => 'now()' })
  attemptedAt: Date;

  @Field(() => Int, { nullable: true, description: 'The receiver’s HTTP status; null when it gave none (refused, timed out, address refused).' })
  @Column({ type: 'int', nullable: true })
  responseStatus: number | null;

  @Field(() => String, { nullable: true, description: 'Why it failed; null on success.' })
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Field(() => Int)
  @Column({ type: 'int' })
  durationMs: number;
}
