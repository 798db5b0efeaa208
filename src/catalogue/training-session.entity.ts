import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TimestampedNode, Node } from '../graphql/node';
import { Training } from './training.entity';

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A dated run of a training that agents enrol in.' })
@Entity()
@Index(['trainingId', 'startsAt'])
@Index(['enrolmentOpensAt', 'enrolmentClosesAt'], { where: 'NOT "cancelled"' })
@Index('training_session_open_idx', { synchronize: false })
export class TrainingSession extends TimestampedNode {
  @ManyToOne(() => Training, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  training?: Training;

  @Column({ type: 'uuid' })
  trainingId: string;

  @Field()
  @Column({ type: 'timestamptz' })
  startsAt: Date;

  @Field()
  @Column({ type: 'timestamptz' })
  endsAt: Date;

  @Field()
  @Column({ type: 'timestamptz' })
  enrolmentOpensAt: Date;

  @Field()
  @Column({ type: 'timestamptz' })
  enrolmentClosesAt: Date;

  @Field(() => Int, { nullable: true, description: 'Seats; null = unlimited.' })
  @Column({ type: 'int', nullable: true })
  capacity: number | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 300, nullable: true })
  location: string | null;

  @Field()
  @Column({ type: 'boolean', default: false })
  cancelled: boolean;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;
}
