import type { FragmentDefinitionNode, SelectionSetNode } from 'graphql';
import type { ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './pagination';

/** What the cost limit hands every estimator (see `operationCost` in limits.ts). */
export interface CostContext {
  fragments: Readonly<Record<string, FragmentDefinitionNode>>;
}

/**
 * What a list's statements cost besides its items, in the units of `LIMITS.maxCost`, from its
 * arguments and the fields the query selects on its connection (`totalCount`, `facets`…).
 */
export type ListReads = (args: Record<string, unknown>, selected: ReadonlySet<string>) => number;

/** The fields selected on the connection itself, through fragments; `@skip` is ignored, which can only overcharge. */
function connectionFields(selectionSet: SelectionSetNode | undefined, context: CostContext | undefined, names = new Set<string>()): Set<string> {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === 'Field') names.add(selection.name.value);
    else if (selection.kind === 'InlineFragment') connectionFields(selection.selectionSet, context, names);
    else connectionFields(context?.fragments[selection.name.value]?.selectionSet, context, names);
  }
  return names;
}

/**
 * A connection costs 1, what its list reads once whatever the page size (`reads`: a search, a
 * count, facets), and its fields once per item it may return, so `first: 100` counts them 100
 * times. An out-of-range `first` is costed at the bound: the resolver refuses it with a clearer message.
 */
export function connectionCost(reads: ListReads = () => 0) {
  return ({ args, childComplexity, node, context }: ComplexityEstimatorArgs): number => {
    const first = typeof args.first === 'number' ? args.first : DEFAULT_PAGE_SIZE;
    const once = reads(args, connectionFields(node.selectionSet, context as CostContext | undefined));
    return 1 + once + Math.min(Math.max(first, 1), MAX_PAGE_SIZE) * childComplexity;
  };
}

/** A connection whose reads beside its page cost little (an index range, a count in the page's own statement). */
export const perPageItem = connectionCost();
