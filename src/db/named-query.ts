import { createHash } from 'node:crypto';
import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import { countStatement } from './statement-counter';

/** Data sources whose server keeps one session per connection, where named statements are safe. */
const preparing = new WeakSet<DataSource>();

/**
 * Lets `namedQuery` prepare statements on this data source when its server gives each connection a
 * session of its own: PostgreSQL then parses and plans each hot query once per connection instead
 * of on every request. Not on PGlite (embedded, or reached through a socket as in the tests), whose
 * connections share one session: a name prepared by one would clash in another.
 */
export async function prepareStatementsIfSafe(db: DataSource): Promise<void> {
  const pool = (db.driver as unknown as { master: Pool }).master;
  const [first, second] = [await pool.connect(), await pool.connect()];
  try {
    const pids = await Promise.all([first, second].map(async client => (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid));
    if (pids[0] !== pids[1]) preparing.add(db);
  } finally {
    first.release();
    second.release();
  }
}

/**
 * Runs hand-written SQL with named parameters (`:name`), the style the catalogue predicates use.
 * With `prepare`, on a server that allows it, the statement is prepared under a name derived from
 * its text (so one name never means two texts); for queries whose best plan does not depend much
 * on the values (after a few runs PostgreSQL may keep one generic plan).
 */
export async function namedQuery<T>(db: DataSource, sql: string, params: Record<string, unknown>, { prepare = false } = {}): Promise<T[]> {
  const [text, values] = db.driver.escapeQueryWithParameters(sql, params);
  if (!prepare || !preparing.has(db)) return db.query(text, values);
  return preparedQuery<T & QueryResultRow>(db, text, values);
}

/** A positional-parameter query, prepared where the server allows it (see `namedQuery`). */
export async function preparedQuery<T extends QueryResultRow>(db: DataSource, text: string, values: unknown[]): Promise<T[]> {
  if (!preparing.has(db)) return db.query(text, values);
  const pool = (db.driver as unknown as { master: Pool }).master;
  const name = `m_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
  countStatement();
  const result = await pool.query<T>({ name, text, values });
  return result.rows;
}
