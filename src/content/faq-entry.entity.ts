import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { Node } from '../graphql/node';
import { PublicCatalogue } from '../graphql/cache-control';

@PublicCatalogue()
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A question and its answer in the FAQ.' })
@Entity()
@Index(['position'])
export class FaqEntry extends Node {
  @Field()
  @Column({ type: 'text' })
  question: string;

  @Field()
  @Column({ type: 'text' })
  answer: string;

  @Field()
  @Column({ type: 'varchar', length: 100 })
  category: string;

  @Field(() => Int)
  @Column({ type: 'int' })
  position: number;
}
