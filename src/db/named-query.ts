import type { DataSource } from 'typeorm';

/** Runs hand-written SQL with named parameters (`:name`), the style the catalogue predicates use. */
export function namedQuery<T>(db: DataSource, sql: string, params: Record<string, unknown>): Promise<T[]> {
  const [text, values] = db.driver.escapeQueryWithParameters(sql, params);
  return db.query(text, values);
}
