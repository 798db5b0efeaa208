import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity } from 'typeorm';
import { Node } from '../graphql/node';
import { PublicCatalogue } from '../graphql/cache-control';

@PublicCatalogue()
@ObjectType({ implements: Node, simpleResolvers: true, description: 'One of the 12 thematic collections of the catalogue.' })
@Entity()
export class Collection extends Node {
  @Field({ description: 'Stable identifier clients may hard-code, e.g. "achat-public".' })
  @Column({ type: 'varchar', length: 100, unique: true })
  slug: string;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Field()
  @Column({ type: 'text' })
  description: string;

  @Field(() => Int, { description: 'Display order, from 1.' })
  @Column({ type: 'int' })
  position: number;
}
