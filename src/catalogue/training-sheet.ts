import { Field, Int, InterfaceType } from 'type-graphql';
import { Column, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Node, TimestampedNode } from '../graphql/node';
import { AgentCategory, Modality } from './catalogue.enums';
import { Collection } from './collection.entity';
import { Licence } from './licence.entity';

/**
 * The presentation sheet editors write: shared by a training and by a pending revision of it,
 * which holds the whole proposed sheet so that committees review a complete version.
 */
@InterfaceType({
  implements: Node,
  description: 'A presentation sheet: the live version of a training, or the version a pending revision proposes.',
  resolveType: (value: object) => value.constructor.name,
})
export abstract class TrainingSheet extends TimestampedNode {
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
  @Column({ type: 'enum', enum: Modality })
  modality: Modality;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'int', nullable: true })
  durationMinutes: number | null;

  @Field()
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

  /** Partners that co-fund the training; resolved through the partner loader. */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  coFunderIds: string[];
}

/** The sheet's columns, by entity property name: what a revision proposes and an approval copies. */
export const SHEET_FIELDS = [
  'externalRef',
  'title',
  'summary',
  'objectives',
  'content',
  'prerequisites',
  'audience',
  'audiencePartnerIds',
  'audienceCategories',
  'audienceFunctions',
  'targetJobs',
  'modality',
  'durationMinutes',
  'certifying',
  'keywords',
  'licenceId',
  'collectionId',
  'coFunderIds',
] as const satisfies readonly (keyof TrainingSheet)[];

export type SheetValues = Pick<TrainingSheet, (typeof SHEET_FIELDS)[number]>;

export function sheetOf(source: SheetValues): SheetValues {
  return Object.fromEntries(SHEET_FIELDS.map(field => [field, source[field]])) as unknown as SheetValues;
}
