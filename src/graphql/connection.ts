import { type ClassType, Field, Int, ObjectType } from 'type-graphql';
import { PublicCatalogue } from './cache-control';
import { PageInfo, type Page } from './pagination';

/**
 * A Relay connection type for `nodeType`. `totalCount` is counted only when a client asks for it:
 * the connection carries the count as a deferred query.
 */
export function ConnectionType<T extends object>(nodeType: ClassType<T>, typeName: string) {
  // Whether an edge may be cached is its node's type's to say.
  @PublicCatalogue()
  @ObjectType(`${typeName}Edge`, { simpleResolvers: true })
  class Edge {
    @Field({ description: 'Pass it as `after` to read the items that follow this one.' })
    cursor: string;

    @Field(() => nodeType)
    node: T;
  }

  @ObjectType()
  abstract class Connection {
    @Field(() => [Edge])
    edges: Edge[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    countTotal: () => Promise<number>;

    @Field(() => Int, { description: 'How many items the whole list holds, over all pages.' })
    get totalCount(): Promise<number> {
      return this.countTotal();
    }
  }

  return Connection;
}

export function toConnection<C extends { countTotal: () => Promise<number> }>(
  connectionType: new () => C,
  page: Page<unknown>,
  countTotal: () => Promise<number>,
): C {
  return Object.assign(new connectionType(), { edges: page.edges, pageInfo: page.pageInfo, countTotal });
}
