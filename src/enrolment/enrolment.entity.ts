import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn } from 'typeorm';
import { User } from '../accounts/user.entity';
import { TrainingSession } from '../catalogue/training-session.entity';
import { Node } from '../graphql/node';
import { EnrolmentStatus } from './enrolment.enums';

/** An agent's place in a session: a seat (CONFIRMED), a place in line (WAITLISTED), or history. */
@Entity()
// At most one active enrolment per agent and session, guaranteed by the database.
@Index('enrolment_active_idx', { synchronize: false })
@Index(['sessionId', 'status'])
@Index(['userId', 'enrolledAt'])
export class Enrolment extends Node {
  @ManyToOne(() => User, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  user?: User;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => TrainingSession, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  session?: TrainingSession;

  @Column({ type: 'uuid' })
  sessionId: string;

  @Column({ type: 'enum', enum: EnrolmentStatus })
  status: EnrolmentStatus;

  /** 1 for the first in line; null unless WAITLISTED. */
  @Column({ type: 'int', nullable: true })
  waitlistPosition: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  enrolledAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
