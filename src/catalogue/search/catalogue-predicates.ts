import type { AgentProfile } from '../../enrolment/eligibility';
import type { TrainingFilter } from '../training.inputs';
import { visibilityPredicate, type TrainingVisibility } from '../training-rights';
import type { Predicate } from './predicate';
import type { SearchQuery } from './search-query';

/** How a search matches: French full text first; trigram similarity when full text finds nothing. */
export type SearchMode = 'fulltext' | 'fuzzy';

/**
 * Typo tolerance uses pg_trgm's `<%` (word similarity ≥ `pg_trgm.word_similarity_threshold`,
 * 0.6 by default: "teletravial" ~ "télétravail" scores 0.67), which the trigram index serves.
 */
const FUZZY_QUERY = 'lower(mentor_unaccent(:searchFuzzy))';

const FRENCH = `'french_unaccent'`;

export function searchParams(search: SearchQuery): Record<string, unknown> {
  return {
    searchText: search.text,
    searchFuzzy: search.fuzzyText,
    searchExcluded: search.excluded,
    ...(search.prefix && { searchRest: search.prefix.rest, searchWord: search.prefix.word }),
  };
}

/**
 * Full text: the whole query in web-search syntax; with a prefix, the rest of the query (which may
 * be only stop words) and the last word either as a word or as the start of an unstemmed one.
 */
function fullText(search: SearchQuery): string {
  if (!search.prefix) return `t.search_document @@ websearch_to_tsquery(${FRENCH}, :searchText)`;
  // The word is letters and digits (see parseSearch), but unaccent may turn a letter into
  // punctuation (the modifier apostrophe ʼ becomes '): the lexeme is quoted, never parsed as syntax.
  const lastWord = `(t.search_document @@ websearch_to_tsquery(${FRENCH}, :searchWord)
    OR t.search_prefix @@ (quote_literal(mentor_unaccent(lower(:searchWord))) || ':*')::tsquery)`;
  if (search.prefix.rest === '') return lastWord;
  const rest = `websearch_to_tsquery(${FRENCH}, :searchRest)`;
  return `(numnode(${rest}) = 0 OR t.search_document @@ ${rest}) AND ${lastWord}`;
}

/** Excluded words, quotes and `or` play no part in similarity: "managr -teletravail" must not find télétravail. */
function fuzzy(search: SearchQuery): string {
  if (search.fuzzyText === '') return 'false';
  const excluded = search.excluded === '' ? '' : ` AND NOT t.search_document @@ websearch_to_tsquery(${FRENCH}, :searchExcluded)`;
  return `${FUZZY_QUERY} <% t.search_text${excluded}`;
}

function searchPredicate(search: SearchQuery, mode: SearchMode): Predicate {
  return { sql: mode === 'fulltext' ? fullText(search) : fuzzy(search), params: searchParams(search) };
}

/** Relevance of a training for the search, higher first. */
export function relevance(mode: SearchMode): string {
  return mode === 'fulltext'
    ? `ts_rank_cd(t.search_document, websearch_to_tsquery(${FRENCH}, :searchText))`
    : `word_similarity(${FUZZY_QUERY}, t.search_text)`;
}

const OPEN_SESSION = `EXISTS (SELECT 1 FROM training_session os WHERE os.training_id = t.id AND NOT os.cancelled
  AND os.enrolment_opens_at <= now() AND os.enrolment_closes_at > now())`;

/** Who is asking, as far as a catalogue request depends on it. */
export interface CatalogueScope {
  visibility: TrainingVisibility;
  /** The signed-in agent's profile, for `eligibleOnly`; null when anonymous (or not asked). */
  agent: AgentProfile | null;
}

/** The audience rule in SQL (see `eligibilityOf`): an empty axis does not restrict; an unknown employer or category matches no restriction on it. */
function eligiblePredicate(agent: AgentProfile): Predicate {
  // As `eligibilityOf`: an account that has not proved its mailbox is eligible to nothing.
  if (!agent.emailVerified) return { sql: 'false', params: {} };
  return {
    sql: `(cardinality(t.audience_partner_ids) = 0 OR t.audience_partner_ids @> ARRAY[CAST(:agentEmployer AS uuid)])
      AND (cardinality(t.audience_categories) = 0 OR t.audience_categories @> ARRAY[CAST(:agentCategory AS training_audience_categories_enum)])
      AND (cardinality(t.audience_functions) = 0 OR t.audience_functions && CAST(:agentFunctions AS text[]))`,
    params: { agentEmployer: agent.employerId, agentCategory: agent.category, agentFunctions: agent.functions },
  };
}

/** Every condition of a catalogue request: visibility, search and filters. */
export function cataloguePredicates(
  scope: CatalogueScope,
  filter: TrainingFilter | null | undefined,
  search: SearchQuery | null,
  mode: SearchMode,
): Predicate[] {
  const predicates: Predicate[] = [visibilityPredicate(scope.visibility, filter?.statuses)];
  if (search) predicates.push(searchPredicate(search, mode));
  if (filter?.collections) {
    predicates.push({
      sql: 't.collection_id IN (SELECT c.id FROM collection c WHERE c.slug = ANY(:collections))',
      params: { collections: filter.collections },
      facet: 'collections',
    });
  }
  if (filter?.partners) {
    predicates.push({
      sql: 't.partner_id IN (SELECT p.id FROM partner p WHERE p.slug = ANY(:partners))',
      params: { partners: filter.partners },
      facet: 'partners',
    });
  }
  if (filter?.modalities) {
    predicates.push({ sql: 't.modality = ANY(CAST(:modalities AS training_modality_enum[]))', params: { modalities: filter.modalities }, facet: 'modalities' });
  }
  if (typeof filter?.certifying === 'boolean') {
    predicates.push({ sql: 't.certifying = :certifying', params: { certifying: filter.certifying }, facet: 'certifying' });
  }
  if (typeof filter?.hasOpenSession === 'boolean') {
    predicates.push({ sql: filter.hasOpenSession ? OPEN_SESSION : `NOT ${OPEN_SESSION}`, params: {} });
  }
  // Eligibility needs a signed-in agent; an anonymous visitor may enrol in nothing.
  if (filter?.eligibleOnly) predicates.push(scope.agent ? eligiblePredicate(scope.agent) : { sql: 'false', params: {} });
  return predicates;
}
