import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionNode } from 'graphql';
import type { Context } from '../context';

function collectRootFields(selections: readonly SelectionNode[], fragments: Map<string, FragmentDefinitionNode>, into: Set<string>, visited: Set<string>): void {
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) into.add(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collectRootFields(selection.selectionSet.selections, fragments, into, visited);
    else if (!visited.has(selection.name.value)) {
      visited.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) collectRootFields(fragment.selectionSet.selections, fragments, into, visited);
    }
  }
}

/**
 * What an operation asks, as a metrics label: its kind and root fields, sorted (`query:trainings`,
 * `query:me+myEnrolments`). Validated against the schema before this is called, so the names are
 * the schema's own, whatever the client named the operation or aliased the fields.
 */
export function operationLabel(operation: OperationDefinitionNode, document: DocumentNode): string {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const fields = new Set<string>();
  collectRootFields(operation.selectionSet.selections, fragments, fields, new Set());
  return `${operation.operation}:${[...fields].sort().join('+')}`;
}

/** Tells the request's trace what the operation is and which error codes it answers, for the metrics. */
export const requestMetricsPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operation, document }) {
        if (operation) contextValue.trace.operation = operationLabel(operation, document);
      },
      async willSendResponse({ contextValue, response }) {
        if (response.body.kind !== 'single') return;
        for (const error of response.body.singleResult.errors ?? []) {
          (contextValue.trace.errors ??= []).push({ kind: 'graphql', code: String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
        }
      },
    };
  },
};
