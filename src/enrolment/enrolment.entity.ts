import { Field, Int, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn } from 'typeorm';
import { User } from '../accounts/user.entity';
import { TrainingSession } from '../catalogue/training-session.entity';
import { Node } from '../graphql/node';
import { EnrolmentStatus } from './enrolment.enums';

/** An agent's place in a session: a seat (CONFIRMED), a place in line (WAITLISTED), or history. */
@ObjectType({ implements: Node, simpleResolvers: true, description: 'An agent’s place in a session: a seat, a place in line, or history.' })
@Entity()
// At most one active enrolment per agent and session, guaranteed by the database.
@Index('enrolment_active_idx', { synchronize: false })
// Completions in (completed_at, id) order, for HR records (migrations/1796000000008-HrRecords.ts).
@Index('enrolment_completed_idx', { synchronize: false })
@Index(['sessionId', 'status'])
@Index(['userId', 'enrolledAt'])
export class Enrolment extends Node {
  /** SET NULL as a backstop: account deletion releases seats through the service first (see account-deletion.ts). */
  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn()
  user?: User;

  /** null once the account is deleted: the seat's history stays, anonymised. */
  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => TrainingSession, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  session?: TrainingSession;

  @Column({ type: 'uuid' })
  sessionId: string;

  @Field(() => EnrolmentStatus)
  @Column({ type: 'enum', enum: EnrolmentStatus })
  status: EnrolmentStatus;

  @Field(() => Int, { nullable: true, description: '1 for the first in line; null unless WAITLISTED.' })
  @Column({ type: 'int', nullable: true })
  waitlistPosition: number | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  enrolledAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
