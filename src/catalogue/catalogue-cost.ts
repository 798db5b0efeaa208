import type { ListReads } from '../graphql/complexity';
import { parseSearch } from './search/search-query';
import { TrainingOrder, type TrainingFilter } from './training.inputs';

/*
 * What a list of trainings costs the database, in the cost limit's unit: 0.1 ms of PostgreSQL
 * time, so that `LIMITS.maxCost` (10,000) is about one second. Measured with EXPLAIN ANALYZE of
 * each statement (planning included, best of 3, warm cache) on the benchmark's catalogue — 10,000
 * generated trainings, PostgreSQL 15, the 2-core machine — and checked by
 * test/graphql/cost-model.test.ts. Each figure is the worst case of its kind, since the estimate
 * is made before anyone knows whether the words match three trainings or all of them; PGlite is
 * 1.5 to 4 times slower.
 */

/** The page without a search: the visible catalogue sorted by publication date, ~10 ms. */
const PAGE = 100;
/** Ordered by next open session: a subquery per training, ~35 ms more. */
const NEXT_SESSION_ORDER = 300;
/** The page with a search: ts_rank_cd over every match, ~25–30 ms per word when every training matches. */
const RANK_PER_WORD = 300;
/** One pass over the list's conditions (`totalCount`, or one of the facets' four groupings): ~4 ms from the facets index… */
const PASS = 50;
/** …plus matching the search on each row: ~10 ms, and 0.5 ms a word… */
const PASS_SEARCH = 100;
const PASS_SEARCH_WORD = 5;
/** …plus `hasOpenSession`, a subquery per training: ~12 ms. */
const PASS_OPEN_SESSION = 120;
/** `facets` groups the list four times (collections, partners, modalities, certifying) in one statement. */
const FACET_PASSES = 4;

/**
 * PostgreSQL's French stop words (the common ones): the query drops them, so they cost nothing.
 * A query of nothing but stop words still runs, and falls back to trigram similarity.
 */
const STOP_WORDS = new Set(
  ('au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me même mes moi mon ne nos notre nous on ou ' +
    'par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l à m n s t y est sont été').split(' '),
);

/** The words a search ranks by (`or` is syntax; an excluded `-word` is matched too); 0 without a search. */
function searchWords(raw: unknown): number {
  let search;
  try {
    search = parseSearch(typeof raw === 'string' ? raw : null);
  } catch {
    return 0; // refused by the resolver before any SQL
  }
  if (!search) return 0;
  const words = search.text
    .split(' ')
    .map(word => word.toLowerCase().replace(/^[-"]+|"+$/g, ''))
    .filter(word => word !== 'or' && !STOP_WORDS.has(word));
  return Math.max(words.length, 1);
}

/**
 * The catalogue's reads besides its items: the page (sorted, or ranked by a search) and, when
 * selected, `totalCount` and `facets`, each a pass over the same conditions. Priced once per
 * list: they do not grow with `first`.
 */
export const catalogueReads: ListReads = (args, selected) => {
  const words = searchWords(args.search);
  const filter = args.filter as TrainingFilter | null | undefined;
  const pass =
    PASS + (words > 0 ? PASS_SEARCH + PASS_SEARCH_WORD * words : 0) + (typeof filter?.hasOpenSession === 'boolean' ? PASS_OPEN_SESSION : 0);
  const page = (words > 0 ? RANK_PER_WORD * words : PAGE) + (args.orderBy === TrainingOrder.NEXT_SESSION ? NEXT_SESSION_ORDER : 0);
  return page + (selected.has('totalCount') ? pass : 0) + (selected.has('facets') ? FACET_PASSES * pass : 0);
};
