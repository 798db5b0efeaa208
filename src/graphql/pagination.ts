import { Field, ObjectType } from 'type-graphql';
import { badUserInput } from './errors';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

/**
 * Position of an item in a keyset-ordered list: the value of the sort key (as text) and the id,
 * plus how the list was matched when that can vary between requests (search modes).
 */
export interface KeysetPosition {
  key: string | null;
  id: string;
  mode?: string;
}

export function encodeCursor(position: KeysetPosition): string {
  const fields = [position.key, position.id, ...(position.mode ? [position.mode] : [])];
  return Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): KeysetPosition {
  try {
    const [key, id, mode] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const validMode = mode === undefined || (typeof mode === 'string' && mode.length < 20);
    if ((typeof key === 'string' || key === null) && typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id) && validMode) {
      return { key, id, ...(typeof mode === 'string' && { mode }) };
    }
  } catch {
    // fall through: any undecodable cursor gets the same answer
  }
  throw badUserInput('Le curseur `after` est invalide : reprenez un `endCursor` renvoyé par l’API.', 'after');
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

/** Builds a page from `size + 1` fetched rows: the extra row only tells that a next page exists. */
export function toPage<T>(rows: T[], size: number, positionOf: (row: T) => KeysetPosition): Page<T> {
  const nodes = rows.slice(0, size);
  const edges = nodes.map(node => ({ cursor: encodeCursor(positionOf(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
