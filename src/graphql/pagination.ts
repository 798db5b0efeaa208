import { Field, ObjectType } from 'type-graphql';
import { badUserInput } from './errors';
import { PublicCatalogue } from './cache-control';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** As the Relay Cursor Connections specification has it (Relay, Apollo Client and urql rely on its four fields). */
@PublicCatalogue()
@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field({ description: 'Lists page forwards only: true when the page starts after a cursor (`after`), false on a first page.' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

/**
 * Position of an item in a keyset-ordered list: the value of the sort key (as PostgreSQL prints it)
 * and the id, plus how the list was matched when that can vary between requests (search modes).
 */
export interface KeysetPosition {
  key: string | null;
  id: string;
  mode?: string;
}

/** What a sort key holds, so that a cursor's key is checked before SQL casts it. */
export type SortKeyType = 'timestamptz' | 'text' | 'real';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)?$/;

/** A real calendar date and time of day, years 1–9999 (what PostgreSQL's timestamptz accepts here). */
function validTimestamp(key: string): boolean {
  const match = TIMESTAMP.exec(key);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = key.split(/[- T:.+Z]/).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return year >= 1 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
}

/** Within float4's normal range, as ts_rank and word_similarity values are. */
function validReal(key: string): boolean {
  const value = Number(key);
  return key.trim() !== '' && Number.isFinite(value) && (value === 0 || (Math.abs(value) > 1e-37 && Math.abs(value) < 1e37));
}

const KEY_CHECKS: Record<SortKeyType, (key: string) => boolean> = {
  timestamptz: validTimestamp,
  real: validReal,
  text: key => key.length <= 1000 && !key.includes('\u0000'),
};

/**
 * A cursor names the list it belongs to (`list`: e.g. "trainings:TITLE"), so that a cursor of
 * another list or order is refused rather than compared with the wrong sort key.
 */
function encodeCursor(list: string, position: KeysetPosition): string {
  const fields = { l: list, k: position.key, i: position.id, ...(position.mode && { m: position.mode }) };
  return Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, list: string, keyType: SortKeyType): KeysetPosition {
  try {
    const { l, k, i, m } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const validKey = k === null || (typeof k === 'string' && KEY_CHECKS[keyType](k));
    const validMode = m === undefined || (typeof m === 'string' && m.length < 20);
    if (l === list && validKey && typeof i === 'string' && UUID.test(i) && validMode) {
      return { key: k as string | null, id: i, ...(typeof m === 'string' && { mode: m }) };
    }
  } catch {
    // fall through: any undecodable cursor gets the same answer
  }
  throw badUserInput('Le curseur `after` est invalide pour cette liste : reprenez un `endCursor` renvoyé par la même requête.', 'after');
}

/** `first` defaults to 20 and must lie in 1..100. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`\`first\` doit être compris entre 1 et ${MAX_PAGE_SIZE} (reçu : ${first}).`, 'first');
  }
  return first;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
}

export interface PageSpec<R, N> {
  size: number;
  /** Named in the cursors: see `decodeCursor`. */
  list: string;
  /** The decoded cursor the page starts after, if any: the item it names came before. */
  after: KeysetPosition | null;
  position: (row: R) => KeysetPosition;
  /** The node of a row, when a row carries more than its node (a sort key, say). */
  node?: (row: R) => N;
}

/**
 * Builds a page from `size + 1` fetched rows: the extra row only tells that a next page exists.
 * An edge's cursor is encoded only if a client asks for it.
 */
export function toPage<R, N = R>(rows: R[], { size, list, after, position, node = row => row as unknown as N }: PageSpec<R, N>): Page<N> {
  const kept = rows.slice(0, size);
  const cursorOf = (row: R | undefined) => (row === undefined ? null : encodeCursor(list, position(row)));
  return {
    edges: kept.map(row => ({
      node: node(row),
      get cursor() {
        return cursorOf(row)!;
      },
    })),
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: after !== null,
      startCursor: cursorOf(kept.at(0)),
      endCursor: cursorOf(kept.at(-1)),
    },
  };
}
