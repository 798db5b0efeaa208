import type { ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './pagination';

/**
 * A connection costs its items' fields once per item it may return, so `first: 100` counts 100 times.
 * An out-of-range `first` is costed at the bound: the resolver refuses it with a clearer message.
 */
export function perPageItem({ args, childComplexity }: ComplexityEstimatorArgs): number {
  const first = typeof args.first === 'number' ? args.first : DEFAULT_PAGE_SIZE;
  return 1 + Math.min(Math.max(first, 1), MAX_PAGE_SIZE) * childComplexity;
}
