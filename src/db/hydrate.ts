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
