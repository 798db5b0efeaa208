import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/** Turns raw rows of hand-written SQL (snake_case columns) into entity instances. */
export function hydrate<T extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<T>, rows: Record<string, unknown>[]): T[] {
  const metadata = dataSource.getMetadata(target);
  return rows.map(row => {
    const entity = metadata.create() as T;
    for (const column of metadata.columns) {
      if (column.databaseName in row) (entity as Record<string, unknown>)[column.propertyName] = row[column.databaseName];
    }
    return entity;
  });
}

/**
 * The select list of an entity for hand-written SQL over `alias`: its selectable columns (or only
 * those of the properties in `only`), enum arrays cast to text[] (which `pg` parses; it leaves
 * arrays of custom types as strings).
 */
export function selectColumns(dataSource: DataSource, target: EntityTarget<ObjectLiteral>, alias: string, only?: ReadonlySet<string>): string {
  return dataSource
    .getMetadata(target)
    .columns.filter(column => column.isSelect && (only === undefined || only.has(column.propertyName)))
    .map(column => {
      const name = `${alias}."${column.databaseName}"`;
      return column.type === 'enum' && column.isArray ? `${name}::text[] AS "${column.databaseName}"` : name;
    })
    .join(', ');
}

/**
 * What a GraphQL object needs read for the fields a query selects on it: the column of the same
 * name, or the columns a field resolver declares in `needs`, plus `always`. Undefined (every
 * column) as soon as one selected field is neither: a field resolver added without declaring its
 * needs costs speed, never a missing value.
 */
export function columnsFor(
  dataSource: DataSource,
  target: EntityTarget<ObjectLiteral>,
  fields: ReadonlySet<string>,
  needs: Readonly<Record<string, readonly string[]>>,
  always: readonly string[],
): Set<string> | undefined {
  const properties = new Set(dataSource.getMetadata(target).columns.filter(column => column.isSelect).map(column => column.propertyName));
  const columns = new Set(always);
  for (const field of fields) {
    if (field === '__typename') continue;
    const needed = properties.has(field) ? [field] : needs[field];
    if (needed === undefined) return undefined;
    for (const property of needed) columns.add(property);
  }
  return columns;
}
