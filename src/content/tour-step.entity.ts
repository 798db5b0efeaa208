import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { Node } from '../graphql/node';
import { PublicCatalogue } from '../graphql/cache-control';

@PublicCatalogue()
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A step of the guided tour of the platform.' })
@Entity()
@Index(['position'])
export class TourStep extends Node {
  @Field({ description: 'The front-end anchor the step points at, e.g. "#catalogue-search".' })
  @Column({ type: 'varchar', length: 200 })
  target: string;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Field()
  @Column({ type: 'text' })
  body: string;

  @Field(() => Int)
  @Column({ type: 'int' })
  position: number;
}
