import { badUserInput } from '../../graphql/errors';

/** Longer input is cut at a word boundary, and words past the 12th are dropped: no real catalogue query needs more, and ranking costs per word. */
export const MAX_SEARCH_LENGTH = 200;
export const MAX_SEARCH_WORDS = 12;

export interface SearchQuery {
  /** The sanitised query, in web-search syntax ("phrase", -exclusion, or). */
  text: string;
  /** For search-as-you-type: the query without its last word, and that last word as a prefix. */
  prefix: { rest: string; word: string } | null;
  /** The words to look for by trigram similarity when full text finds nothing (no exclusions, phrases' quotes or `or`). */
  fuzzyText: string;
  /** Excluded words (`-mot`), which similarity matches must not contain either, as `a or b`. */
  excluded: string;
}

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;
const BARE_WORD = /^[\p{L}\p{N}]+$/u;

function cap(text: string): string {
  const words = text.split(' ').slice(0, MAX_SEARCH_WORDS).join(' ');
  if (words.length <= MAX_SEARCH_LENGTH) return words;
  const cut = words.slice(0, MAX_SEARCH_LENGTH);
  const lastSpace = cut.lastIndexOf(' ');
  return lastSpace > MAX_SEARCH_LENGTH / 2 ? cut.slice(0, lastSpace) : cut;
}

/**
 * Makes any user string safe to hand to `websearch_to_tsquery` (which never raises on syntax):
 * control characters and NUL bytes become spaces, the length is capped. A blank query means no
 * search; one without a single letter or digit is refused.
 */
export function parseSearch(raw: string | null | undefined): SearchQuery | null {
  if (raw === null || raw === undefined) return null;
  const text = cap(raw.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim());
  if (text === '') return null;
  if (!/[\p{L}\p{N}]/u.test(text)) {
    throw badUserInput('La recherche doit contenir au moins un mot (lettres ou chiffres).', 'search');
  }
  const words = text.split(' ');
  const last = words.at(-1)!;
  const hasOr = words.some(word => word.toLowerCase() === 'or');
  const insidePhrase = (text.match(/"/g)?.length ?? 0) % 2 === 1;
  // A bare last word also matches as a prefix ("télétrav" finds "télétravail"), unless it ends a
  // phrase or is excluded (-mot), or the query has an `or` whose precedence the rewrite would change.
  const prefixable = BARE_WORD.test(last) && !hasOr && !insidePhrase;
  const fuzzyText = words
    .filter(word => !word.startsWith('-') && word.toLowerCase() !== 'or')
    .join(' ')
    .replace(/"/g, '')
    .trim();
  const excluded = words
    .filter(word => word.startsWith('-') && word.length > 1)
    .map(word => word.slice(1).replace(/"/g, ''))
    .join(' or ');
  return { text, prefix: prefixable ? { rest: words.slice(0, -1).join(' '), word: last } : null, fuzzyText, excluded };
}
