export type FacetName = 'collections' | 'partners' | 'modalities' | 'certifying';

/** One SQL condition over the alias `t` (training), with named parameters. */
export interface Predicate {
  sql: string;
  params: Record<string, unknown>;
  /** The facet this filter belongs to: that facet's counts ignore it (disjunctive faceting). */
  facet?: FacetName;
}

/** The conjunction of the predicates, leaving out those of one facet. */
export function conjunction(predicates: Predicate[], except?: FacetName): Predicate {
  const kept = predicates.filter(predicate => except === undefined || predicate.facet !== except);
  return {
    sql: kept.map(predicate => `(${predicate.sql})`).join(' AND ') || 'true',
    params: Object.assign({}, ...kept.map(predicate => predicate.params)),
  };
}
