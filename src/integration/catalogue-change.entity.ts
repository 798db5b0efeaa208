import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ChangeType } from './integration.enums';

/**
 * One event of the published catalogue, written in the transaction of the change. `transactionId`
 * (the writer's pg_current_xact_id) orders the feed with `id`: see `listChanges` for why.
 */
@ObjectType({ simpleResolvers: true, description: 'One event of the published catalogue, in the order a reader must apply them.' })
@Entity()
@Index(['transactionId', 'id'])
export class CatalogueChange {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  /** pg_current_xact_id() of the writing transaction, as bigint (TypeORM knows no xid8). */
  @Column({ type: 'bigint' })
  transactionId: string;

  @Field(() => ChangeType)
  @Column({ type: 'enum', enum: ChangeType })
  type: ChangeType;

  @Column({ type: 'uuid' })
  trainingId: string;

  @Column({ type: 'uuid', nullable: true })
  sessionId: string | null;

  @Field()
  @Column({ type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;
}
