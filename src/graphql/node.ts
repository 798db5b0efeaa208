import { Field, ID, InterfaceType } from 'type-graphql';
import { CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { toGlobalId } from './global-id';

/**
 * Every entity is a Node: a uuid primary key in the database, an opaque global id in the API.
 * The GraphQL type name is the class name, which is also what global ids carry.
 */
@InterfaceType('Node', {
  description: 'An object with an opaque global id, resolvable through `node(id)`.',
  resolveType: (value: object) => value.constructor.name,
})
export abstract class Node {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID, { name: 'id', simple: false, description: 'Opaque global id.' })
  get globalId(): string {
    return toGlobalId(this.constructor.name, this.id);
  }
}

/** A node that records when it was created. (A type-graphql type, so that its fields are inherited; never in the schema by itself.) */
@InterfaceType({ implements: Node })
export abstract class CreatedNode extends Node {
  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** A node that records when it was created and last changed. */
@InterfaceType({ implements: Node })
export abstract class TimestampedNode extends CreatedNode {
  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
