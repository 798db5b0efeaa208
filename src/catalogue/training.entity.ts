import { Field, Int, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn } from 'typeorm';
import { Node } from '../graphql/node';
import { AgentCategory, Modality, TrainingStatus } from './catalogue.enums';
import { Collection } from './collection.entity';
import { Licence } from './licence.entity';
import { Partner } from './partner.entity';

@ObjectType({ implements: Node, simpleResolvers: true, description: "A training's presentation sheet." })
@Entity()
@Index(['partnerId', 'externalRef'], { unique: true, where: '"external_ref" IS NOT NULL' })
@Index(['status', 'publishedAt'])
@Index('training_search_document_idx', { synchronize: false })
@Index('training_search_text_trgm_idx', { synchronize: false })
@Index('training_search_prefix_idx', { synchronize: false })
@Index('training_title_sort_idx', { synchronize: false })
@Index('training_facets_idx', { synchronize: false })
export class Training extends Node {
  @Field({ description: 'Readable identifier used in URLs; stable once published.' })
  @Column({ type: 'varchar', length: 200, unique: true })
  slug: string;

  @Field(() => String, { nullable: true, description: "The partner's own reference, unique per partner." })
  @Column({ type: 'varchar', length: 100, nullable: true })
  externalRef: string | null;

  @Field()
  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Field()
  @Column({ type: 'text' })
  summary: string;

  @Field(() => [String])
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  objectives: string[];

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  content: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  prerequisites: string | null;

  @Field(() => String, { nullable: true, description: 'The target public, as prose.' })
  @Column({ type: 'text', nullable: true })
  audience: string | null;

  /** Audience rule, one column per axis so that eligibility filters stay in SQL; empty = no restriction. */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  audiencePartnerIds: string[];

  @Column({ type: 'enum', enum: AgentCategory, array: true, default: () => "'{}'" })
  audienceCategories: AgentCategory[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  audienceFunctions: string[];

  @Field(() => [String], { description: 'Jobs concerned.' })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  targetJobs: string[];

  @Field(() => Modality)
  @Index()
  @Column({ type: 'enum', enum: Modality })
  modality: Modality;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'int', nullable: true })
  durationMinutes: number | null;

  @Field()
  @Index()
  @Column({ type: 'boolean', default: false })
  certifying: boolean;

  @Field(() => [String])
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  keywords: string[];

  @ManyToOne(() => Licence, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn()
  licence?: Licence;

  @Index()
  @Column({ type: 'uuid' })
  licenceId: string;

  @ManyToOne(() => Collection, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn()
  collection?: Collection;

  @Index()
  @Column({ type: 'uuid' })
  collectionId: string;

  @ManyToOne(() => Partner, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn()
  partner?: Partner;

  @Index()
  @Column({ type: 'uuid' })
  partnerId: string;

  /** Partners that co-fund the training; resolved through the partner loader. */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  coFunderIds: string[];

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

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
