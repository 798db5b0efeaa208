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
 * The select list of an entity for hand-written SQL over `alias`: its selectable columns, enum
 * arrays cast to text[] (which `pg` parses; it leaves arrays of custom types as strings).
 */
export function selectColumns(dataSource: DataSource, target: EntityTarget<ObjectLiteral>, alias: string): string {
  return dataSource
    .getMetadata(target)
    .columns.filter(column => column.isSelect)
    .map(column => {
      const name = `${alias}."${column.databaseName}"`;
      return column.type === 'enum' && column.isArray ? `${name}::text[] AS "${column.databaseName}"` : name;
    })
    .join(', ');
}
