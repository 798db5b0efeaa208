import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Unique } from 'typeorm';
import { Node } from '../graphql/node';
import { PublicCatalogue } from '../graphql/cache-control';

/** Each page of the front end has its own tour: positions are 1..n with no gap per page (see faq-entry.entity.ts). */
@PublicCatalogue()
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A step of the guided tour of the platform.' })
@Entity()
@Unique('UQ_tour_step_page_position', ['page', 'position'], { deferrable: 'INITIALLY DEFERRED' })
export class TourStep extends Node {
  @Field({ description: 'The front end’s route the step is shown on, e.g. "/catalogue" (route parameters as ":slug").' })
  @Column({ type: 'varchar', length: 200 })
  page: string;

  @Field({ description: 'A CSS selector of the element the step points at, e.g. "#catalogue-search".' })
  @Column({ type: 'varchar', length: 200 })
  target: string;

  @Field({ description: 'Plain text.' })
  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Field({ description: 'Markdown (CommonMark), never HTML: the front end renders it.' })
  @Column({ type: 'text' })
  body: string;

  @Field(() => Int, { description: 'Rank within the page, from 1, with no gap.' })
  @Column({ type: 'int' })
  position: number;
}
