import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { CostContext } from './complexity';

/** The numbers are documented in the README; change both together. */
export const LIMITS = {
  maxDepth: 12,
  maxAliases: 30,
  maxDirectives: 50,
  maxTokens: 5000,
  maxCost: 10_000,
  maxBodyBytes: 1_000_000,
} as const;

/** Depth, alias and directive limits run as validation rules, before any resolver. */
export function armor(production: boolean) {
  return new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth },
    maxAliases: { n: LIMITS.maxAliases },
    maxDirectives: { n: LIMITS.maxDirectives },
    // Armor's token plugin turns syntax errors into validation errors; graphql-js's own
    // `maxTokens` parse option (see createApp) does the same job and keeps GRAPHQL_PARSE_FAILED.
    maxTokens: { enabled: false },
    // Cost is computed by graphql-query-complexity below, which multiplies by `first`.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  }).protect();
}

function tooComplex(message: string, details: Record<string, number>): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', ...details, http: { status: 400 } } });
}

/**
 * The estimated cost of an operation: every field costs 1, a connection its items once per
 * requested item plus what its list reads once (a search, `totalCount`, `facets`: see
 * `connectionCost`), in units of 0.1 ms of database time, so that `maxCost` is about a second
 * (calibrated in src/catalogue/catalogue-cost.ts). Throws a GraphQLError when it cannot be computed.
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> = {}, operationName?: string): number {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  const context: CostContext = { fragments };
  return getComplexity({
    schema,
    query: document,
    operationName,
    variables,
    context,
    estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
  });
}

/**
 * Refuses operations whose estimated cost (`operationCost`) exceeds the limit, before any resolver
 * runs; then hands the cost to `spend` (the rate limit), which may refuse the operation too. One
 * hook, in this order, so that an operation refused as too complex is not charged its cost.
 */
export function costLimitPlugin<TContext extends object>(
  schema: GraphQLSchema,
  spend?: (context: TContext, cost: number, operation: string) => Promise<void>,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, contextValue }) {
          // Variables that do not coerce are left to execution, which refuses them with BAD_USER_INPUT.
          const variables = getVariableValues(schema, operation?.variableDefinitions ?? [], request.variables ?? {});
          if (variables.errors) return;
          let cost: number;
          try {
            cost = operationCost(schema, document, variables.coerced, request.operationName ?? undefined);
          } catch (error) {
            throw tooComplex(error instanceof Error ? error.message : String(error), {});
          }
          if (cost > LIMITS.maxCost) {
            throw tooComplex(`Requête trop coûteuse : coût estimé ${cost}, maximum ${LIMITS.maxCost}. Réduisez \`first\` ou les champs demandés.`, {
              cost,
              maxCost: LIMITS.maxCost,
            });
          }
          await spend?.(contextValue, cost, operation?.operation ?? 'query');
        },
      };
    },
  };
}
