import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Unique } from 'typeorm';
import { Node } from '../graphql/node';
import { PublicCatalogue } from '../graphql/cache-control';

/**
 * Positions are scoped by category: 1..n with no gap and no duplicate in each category (kept so by
 * content-positions.ts). The unique constraint is the backstop; deferred to the commit, so that
 * shifting a category's entries by one does not trip over itself midway.
 */
@PublicCatalogue()
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A question and its answer in the FAQ.' })
@Entity()
@Unique('UQ_faq_entry_category_position', ['category', 'position'], { deferrable: 'INITIALLY DEFERRED' })
export class FaqEntry extends Node {
  @Field({ description: 'Plain text.' })
  @Column({ type: 'text' })
  question: string;

  @Field({ description: 'Markdown (CommonMark), never HTML: the front end renders it.' })
  @Column({ type: 'text' })
  answer: string;

  @Field({ description: 'The FAQ is ordered within each category.' })
  @Column({ type: 'varchar', length: 100 })
  category: string;

  @Field(() => Int, { description: 'Rank within the category, from 1, with no gap.' })
  @Column({ type: 'int' })
  position: number;
}
