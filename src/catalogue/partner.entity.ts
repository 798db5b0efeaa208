import { Field, ObjectType } from 'type-graphql';
import { Column, Entity } from 'typeorm';
import { Node } from '../graphql/node';
import { PartnerKind } from './catalogue.enums';
import { PublicCatalogue } from '../graphql/cache-control';

@PublicCatalogue()
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A ministry, directorate or school that publishes trainings.' })
@Entity()
export class Partner extends Node {
  @Field({ description: 'Stable identifier clients may hard-code, e.g. "maa".' })
  @Column({ type: 'varchar', length: 100, unique: true })
  slug: string;

  @Field()
  @Column({ type: 'varchar', length: 300 })
  name: string;

  @Field()
  @Column({ type: 'varchar', length: 50 })
  acronym: string;

  @Field(() => PartnerKind)
  @Column({ type: 'enum', enum: PartnerKind })
  kind: PartnerKind;

  @Field(() => [String], { description: 'E-mail domains whose owners may register as agents of this partner.' })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  emailDomains: string[];
}
