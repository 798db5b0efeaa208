import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TrainingStatus } from '../catalogue/catalogue.enums';
import { TrainingSheet } from '../catalogue/training-sheet';
import { Training } from '../catalogue/training.entity';
import { Node } from '../graphql/node';

/** Statuses of a revision still in the workflow; a training has at most one such revision. */
export const OPEN_REVISION_STATUSES = [TrainingStatus.DRAFT, TrainingStatus.SUBMITTED, TrainingStatus.CHANGES_REQUESTED];

/**
 * Changes proposed to a published training, as the whole proposed sheet. The live version stays
 * as it is, and public, until both committees approve; the sheet is then copied onto the training
 * (status PUBLISHED) or, when rejected, dropped (REJECTED; ARCHIVED with its training). Closed
 * revisions are kept as history.
 */
@ObjectType({ implements: [Node, TrainingSheet], simpleResolvers: true, description: 'Proposed changes to a published training, reviewed before they go live.' })
@Entity()
@Index('training_revision_open_idx', { synchronize: false })
@Index('training_revision_submitted_idx', { synchronize: false })
export class TrainingRevision extends TrainingSheet {
  @ManyToOne(() => Training, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  training?: Training;

  @Index()
  @Column({ type: 'uuid' })
  trainingId: string;

  @Field(() => TrainingStatus, { description: 'DRAFT, SUBMITTED or CHANGES_REQUESTED while pending; then PUBLISHED (applied), REJECTED, or ARCHIVED with its training.' })
  @Column({ type: 'enum', enum: TrainingStatus, default: TrainingStatus.DRAFT })
  status: TrainingStatus;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  submittedAt: Date | null;
}
