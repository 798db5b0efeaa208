import { Field, ObjectType } from 'type-graphql';
import { Column, Entity } from 'typeorm';
import { Node } from '../graphql/node';
import { PublicCatalogue } from '../graphql/cache-control';

@PublicCatalogue()
@ObjectType({ implements: Node, simpleResolvers: true, description: 'The licence under which a training is published.' })
@Entity()
export class Licence extends Node {
  @Field({ description: 'SPDX-style code, e.g. "CC-BY-SA-4.0".' })
  @Column({ type: 'varchar', length: 100, unique: true })
  code: string;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Field()
  @Column({ type: 'varchar', length: 500 })
  url: string;

  @Field()
  @Column({ type: 'boolean' })
  allowsSharing: boolean;

  @Field()
  @Column({ type: 'boolean' })
  allowsAdaptation: boolean;

  @Field()
  @Column({ type: 'boolean' })
  allowsCommercialUse: boolean;
}
