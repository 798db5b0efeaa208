import { Field, ID, InterfaceType } from 'type-graphql';
import { PrimaryGeneratedColumn } from 'typeorm';
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
