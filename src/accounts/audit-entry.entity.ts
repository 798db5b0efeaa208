import { Field, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, Entity, Index } from 'typeorm';
import { CreatedNode, Node } from '../graphql/node';

/** Who did what to what, and when: role changes, API clients, reviews, publications, archiving. */
@ObjectType({ implements: Node, simpleResolvers: true })
@Entity()
@Index(['createdAt', 'id'])
// What is recorded by or about someone (the RGPD export).
@Index(['actor'])
@Index(['target'])
export class AuditEntry extends CreatedNode {
  /** The global id of the acting user or API client; null for the system. */
  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 100, nullable: true })
  actor: string | null;

  @Field({ description: 'e.g. ROLE_GRANTED, ROLE_REVOKED, API_CLIENT_CREATED, API_CLIENT_REVOKED.' })
  @Column({ type: 'varchar', length: 100 })
  action: string;

  @Field({ description: 'The global id of what the action applied to.' })
  @Column({ type: 'varchar', length: 200 })
  target: string;

  @Field(() => GraphQLJSONObject)
  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;
}
