import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { User } from '../accounts/user.entity';
import { Training } from '../catalogue/training.entity';
import { CreatedNode, Node } from '../graphql/node';
import { Committee, ReviewDecision } from './review.enums';

@ObjectType({ implements: Node, simpleResolvers: true, description: "A committee's decision on one submitted version of a training." })
@Entity()
// One decision per committee and submitted version: the database refuses a second one, whatever races.
@Index(['trainingId', 'submission', 'committee'], { unique: true })
export class Review extends CreatedNode {
  @ManyToOne(() => Training, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  training?: Training;

  @Column({ type: 'uuid' })
  trainingId: string;

  /** Which submission of the training this decision is about (`Training.submission` at review time). */
  @Column({ type: 'int' })
  submission: number;

  @Field(() => Committee)
  @Column({ type: 'enum', enum: Committee })
  committee: Committee;

  @Field(() => ReviewDecision)
  @Column({ type: 'enum', enum: ReviewDecision })
  decision: ReviewDecision;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn()
  reviewer?: User;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  reviewerId: string | null;

  /** Whether the decision was about a pending revision of a published training rather than the training itself. */
  @Field({ description: 'True when the decision was about a pending revision of a published training.' })
  @Column({ type: 'boolean', default: false })
  onRevision: boolean;
}
