import { createHash } from 'node:crypto';
import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import { countStatement } from './statement-counter';

/** Somewhere else to run a read: a replica (see `LaggingReads` in `replica-reads.ts`). */
export interface SqlReader {
  query<T extends QueryResultRow>(text: string, values: unknown[], prepare: boolean): Promise<T[]>;
}

/** Data sources whose server keeps one session per connection, where named statements are safe. */
const preparing = new WeakSet<DataSource>();
/**
 * Every connection keeps each statement it prepared, on both sides, for its lifetime: past this
 * many distinct texts (selections, filters and orders combine), further ones run unnamed.
 */
const MAX_PREPARED = 200;
const prepared = new Set<string>();

/**
 * Lets `namedQuery` prepare statements on this data source: PostgreSQL then parses and plans each
 * hot query once per connection instead of on every request. Only where each connection has a
 * session of its own (not PGlite, whose connections share one: a name prepared by one would clash
 * in another).
 */
export function prepareStatements(db: DataSource): void {
  preparing.add(db);
}

/**
 * Runs hand-written SQL with named parameters (`:name`), the style the catalogue predicates use.
 * With `prepare`, on a server that allows it, the statement is prepared under a name derived from
 * its text (so one name never means two texts); for queries whose best plan does not depend much
 * on the values (after a few runs PostgreSQL may keep one generic plan).
 */
export async function namedQuery<T>(
  db: DataSource,
  sql: string,
  params: Record<string, unknown>,
  { prepare = false, on }: { prepare?: boolean; on?: SqlReader | null } = {},
): Promise<T[]> {
  const [text, values] = db.driver.escapeQueryWithParameters(sql, params);
  if (on) return on.query<T & QueryResultRow>(text, values, prepare);
  if (!prepare || !preparing.has(db)) return db.query(text, values);
  return preparedQuery<T & QueryResultRow>(db, text, values);
}

/** A positional-parameter query, prepared where the server allows it (see `namedQuery`). */
export async function preparedQuery<T extends QueryResultRow>(db: DataSource, text: string, values: unknown[]): Promise<T[]> {
  if (!preparing.has(db)) return db.query(text, values);
  const pool = (db.driver as unknown as { master: Pool }).master;
  const name = statementName(text);
  if (name === null) return db.query(text, values);
  countStatement({ text, values });
  const result = await pool.query<T>({ name, text, values });
  return result.rows;
}

/** The name `text` is prepared under (one name never means two texts), or null once MAX_PREPARED texts have one. */
export function statementName(text: string): string | null {
  const name = `m_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
  if (!prepared.has(name)) {
    if (prepared.size >= MAX_PREPARED) return null;
    prepared.add(name);
  }
  return name;
}

/** Whether `namedQuery` may prepare statements on this data source (each connection a session of its own). */
export function preparesStatements(db: DataSource): boolean {
  return preparing.has(db);
}
