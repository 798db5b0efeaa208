import { Field, Int, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TimestampedNode, Node } from '../graphql/node';
import { Training } from './training.entity';
import { PublicCatalogue, SeatCount } from '../graphql/cache-control';

@PublicCatalogue()
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A dated run of a training that agents enrol in.' })
@Entity()
@Index(['trainingId', 'startsAt'])
// Imports match sessions on their partner's reference, within their training.
@Index(['trainingId', 'externalRef'], { unique: true, where: '"external_ref" IS NOT NULL' })
@Index(['enrolmentOpensAt', 'enrolmentClosesAt'], { where: 'NOT "cancelled"' })
@Index('training_session_open_idx', { synchronize: false })
// Overbooking is impossible, not only prevented: the counters below are kept by a trigger on enrolment.
@Check('CHK_training_session_seats', `"seats_taken" >= 0 AND ("capacity" IS NULL OR "seats_taken" <= "capacity")`)
@Check('CHK_training_session_waitlist', `"waitlist_length" >= 0`)
export class TrainingSession extends TimestampedNode {
  @ManyToOne(() => Training, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  training?: Training;

  @Column({ type: 'uuid' })
  trainingId: string;

  @Field(() => String, { nullable: true, description: "The partner's own reference for the session, unique within its training (importTrainings matches on it)." })
  @Column({ type: 'varchar', length: 100, nullable: true })
  externalRef: string | null;

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

  /** Confirmed and completed enrolments, kept by the `mentor_count_seats` trigger in the statement that changes them. */
  @SeatCount()
  @Field(() => Int, { description: 'Seats held by confirmed enrolments.' })
  @Column({ type: 'int', default: 0, insert: false, update: false })
  seatsTaken: number;

  /** Waitlisted enrolments, kept by the same trigger. */
  @SeatCount()
  @Field(() => Int, { description: 'Agents waiting for a seat.' })
  @Column({ type: 'int', default: 0, insert: false, update: false })
  waitlistLength: number;
}
