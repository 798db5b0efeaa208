import DataLoader from 'dataloader';
import { In, type DataSource, type EntityTarget, type FindOptionsWhere, type ObjectLiteral } from 'typeorm';

export const MAX_BATCH = 500;

/** A per-request loader of entities by id (null when absent), optionally narrowed by `where`. */
export function byIdLoader<T extends ObjectLiteral & { id: string }>(
  db: DataSource,
  target: EntityTarget<T>,
  where: FindOptionsWhere<T> = {},
): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(
    async ids => {
      const rows = await db.getRepository(target).findBy({ ...where, id: In([...ids]) } as FindOptionsWhere<T>);
      const byId = new Map(rows.map(row => [row.id, row]));
      return ids.map(id => byId.get(id) ?? null);
    },
    { maxBatchSize: MAX_BATCH },
  );
}
