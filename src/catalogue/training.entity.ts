import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Node } from '../graphql/node';
import { TrainingStatus } from './catalogue.enums';
import { Partner } from './partner.entity';
import { TrainingSheet } from './training-sheet';
import { PublicCatalogue } from '../graphql/cache-control';

@PublicCatalogue()
@ObjectType({ implements: [Node, TrainingSheet], simpleResolvers: true, description: 'A training of the catalogue, with its presentation sheet.' })
@Entity()
@Index(['partnerId', 'externalRef'], { unique: true, where: '"external_ref" IS NOT NULL' })
@Index(['status', 'publishedAt'])
@Index(['modality'])
@Index(['certifying'])
@Index('training_search_document_idx', { synchronize: false })
@Index('training_search_text_trgm_idx', { synchronize: false })
@Index('training_search_prefix_idx', { synchronize: false })
@Index('training_title_sort_idx', { synchronize: false })
@Index('training_facets_idx', { synchronize: false })
@Index('training_submitted_idx', { synchronize: false })
export class Training extends TrainingSheet {
  @Field({ description: 'Readable identifier used in URLs; stable once published.' })
  @Column({ type: 'varchar', length: 200, unique: true })
  slug: string;

  @ManyToOne(() => Partner, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn()
  partner?: Partner;

  @Index()
  @Column({ type: 'uuid' })
  partnerId: string;

  /** Weighted French full-text document, written by the `training_search_refresh` trigger. */
  @Column({ type: 'tsvector', select: false, insert: false, update: false, default: () => "''" })
  searchDocument: string;

  /** Unstemmed, unaccented words of title, keywords and summary, for search-as-you-type prefixes (same trigger). */
  @Column({ type: 'tsvector', select: false, insert: false, update: false, default: () => "''" })
  searchPrefix: string;

  /** Title and keywords, unaccented and lower-cased, for trigram typo tolerance (same trigger). */
  @Column({ type: 'text', select: false, insert: false, update: false, default: () => "''" })
  searchText: string;

  @Field(() => TrainingStatus)
  @Column({ type: 'enum', enum: TrainingStatus, default: TrainingStatus.DRAFT })
  status: TrainingStatus;

  @Field(() => Date, { nullable: true, description: 'First publication.' })
  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  /** How many times the training or a revision of it was submitted: a review counts for one submission only. */
  @Column({ type: 'int', default: 0 })
  submission: number;

  /** When the training, or a revision of it, was last submitted; exposed to those who follow the review only. */
  @Column({ type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  archivedAt: Date | null;
}
