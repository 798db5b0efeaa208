import {
  DirectiveLocation,
  getNamedType,
  GraphQLBoolean,
  GraphQLDirective,
  GraphQLEnumType,
  GraphQLInt,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { Directive } from 'type-graphql';

/**
 * Apollo's cache hints (`@cacheControl`, the directive Apollo Server and CDNs' GraphQL tooling
 * read), declared on the schema's types and fields. The policy of an operation is computed from
 * its document alone, once per document: Apollo's own plugin would wrap every field resolver.
 * Rules as Apollo's: a field's hint, else its type's; a root field or a field of an object type
 * without a hint may not be cached (max-age 0); scalar fields follow their parent; the smallest
 * max-age wins and one PRIVATE field makes the whole answer private.
 */
const CacheControlScope = new GraphQLEnumType({ name: 'CacheControlScope', values: { PUBLIC: {}, PRIVATE: {} } });

export const cacheControlDirective = new GraphQLDirective({
  name: 'cacheControl',
  locations: [DirectiveLocation.FIELD_DEFINITION, DirectiveLocation.OBJECT, DirectiveLocation.INTERFACE, DirectiveLocation.UNION],
  args: { maxAge: { type: GraphQLInt }, scope: { type: CacheControlScope }, inheritMaxAge: { type: GraphQLBoolean } },
});

/** How long public catalogue answers may be reused (a catalogue change invalidates the API's own cache at once). */
export const CATALOGUE_MAX_AGE = 60;
/** Seat counts in lists may lag this long. */
export const SEATS_MAX_AGE = 5;

/** Catalogue data, the same for every anonymous visitor. */
export const PublicCatalogue = () => Directive(`@cacheControl(maxAge: ${CATALOGUE_MAX_AGE})`);
/** Seat counts: reusable for a few seconds only. */
export const SeatCount = () => Directive(`@cacheControl(maxAge: ${SEATS_MAX_AGE})`);
/** Depends on who asks: never in a shared cache. */
export const ViewerDependent = () => Directive('@cacheControl(maxAge: 0, scope: PRIVATE)');

export interface CachePolicy {
  maxAge: number;
  scope: 'PUBLIC' | 'PRIVATE';
}

interface Hint {
  maxAge?: number;
  scope?: 'PUBLIC' | 'PRIVATE';
}

function hintOf(node: { readonly directives?: readonly ConstDirectiveNode[] } | null | undefined): Hint | undefined {
  const directive = node?.directives?.find(candidate => candidate.name.value === 'cacheControl');
  if (!directive) return undefined;
  const hint: Hint = {};
  for (const argument of directive.arguments ?? []) {
    if (argument.name.value === 'maxAge' && argument.value.kind === Kind.INT) hint.maxAge = Number(argument.value.value);
    if (argument.name.value === 'scope' && argument.value.kind === Kind.ENUM) hint.scope = argument.value.value as Hint['scope'];
  }
  return hint;
}

/** The cache policy of `operation` in `document`: how long, and for whom, its answer may be reused. */
export function cachePolicyOf(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): CachePolicy {
  const policy: CachePolicy = { maxAge: Number.POSITIVE_INFINITY, scope: 'PUBLIC' };
  const restrict = (hint: Hint) => {
    if (hint.maxAge !== undefined) policy.maxAge = Math.min(policy.maxAge, hint.maxAge);
    if (hint.scope === 'PRIVATE') policy.scope = 'PRIVATE';
  };
  const fragments = new Map(
    document.definitions.flatMap(definition => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])),
  );
  const seen = new Set<string>();
  const visit = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, root: boolean): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === '__typename') continue;
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
        if (!field) {
          restrict({ maxAge: 0 }); // introspection and anything unforeseen: never cached
          continue;
        }
        const type = getNamedType(field.type);
        const hint = hintOf(field.astNode) ?? (isCompositeType(type) ? hintOf(type.astNode) : undefined);
        if (hint) restrict(hint);
        else if (root || isCompositeType(type)) restrict({ maxAge: 0 });
        if (selection.selectionSet && isCompositeType(type)) visit(selection.selectionSet, type, false);
      } else {
        const definition = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
        if (!definition || (selection.kind === Kind.FRAGMENT_SPREAD && seen.has(selection.name.value))) continue;
        if (selection.kind === Kind.FRAGMENT_SPREAD) seen.add(selection.name.value);
        const condition = definition.typeCondition ? schema.getType(definition.typeCondition.name.value) : parent;
        if (condition && isCompositeType(condition)) visit(definition.selectionSet, condition, root);
      }
    }
  };
  const rootType = operation.operation === 'query' ? schema.getQueryType() : null;
  if (!rootType) return { maxAge: 0, scope: policy.scope };
  visit(operation.selectionSet, rootType, true);
  return { maxAge: Number.isFinite(policy.maxAge) ? policy.maxAge : 0, scope: policy.scope };
}
