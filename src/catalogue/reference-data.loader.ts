import type { DataSource } from 'typeorm';
import { hydrate } from '../db/hydrate';
import { Collection } from './collection.entity';
import { Licence } from './licence.entity';
import { Partner } from './partner.entity';

interface ReferenceData {
  collections: Map<string, Collection>;
  partners: Map<string, Partner>;
  licences: Map<string, Licence>;
}

/** Look-ups by id in the reference data, with DataLoader's `load` / `loadMany` shape. */
export interface ReferenceLookup<T> {
  load(id: string): Promise<T | null>;
  loadMany(ids: readonly string[]): Promise<T[]>;
}

/** How long a process serves reference data it has read (they change by migration or, rarely, by an admin). */
export const REFERENCE_TTL_MS = 30_000;

const cache = new WeakMap<DataSource, { data: Promise<ReferenceData>; readAt: number }>();

/** Drops this process's copy: the catalogue changed (see `ListenedCatalogueVersion`), so answers computed from now on read it again. */
export function forgetReferenceData(db: DataSource): void {
  cache.delete(db);
}

function readReferenceData(db: DataSource): Promise<ReferenceData> {
  const cached = cache.get(db);
  if (cached && Date.now() - cached.readAt < REFERENCE_TTL_MS) return cached.data;
  const data = db
      .query(
        `SELECT (SELECT coalesce(json_agg(c), '[]') FROM collection c) AS collections,
                (SELECT coalesce(json_agg(p), '[]') FROM partner p) AS partners,
                (SELECT coalesce(json_agg(l), '[]') FROM licence l) AS licences`,
      )
      .then(([row]: { collections: Record<string, unknown>[]; partners: Record<string, unknown>[]; licences: Record<string, unknown>[] }[]) => ({
        collections: new Map(hydrate(db, Collection, row.collections).map(item => [item.id, item])),
        partners: new Map(hydrate(db, Partner, row.partners).map(item => [item.id, item])),
        licences: new Map(hydrate(db, Licence, row.licences).map(item => [item.id, item])),
      }));
  cache.set(db, { data, readAt: Date.now() });
  data.catch(() => cache.delete(db));
  return data;
}

/**
 * Collections, partners and licences are a few dozen rows that nearly every catalogue request
 * reaches: they are read together in one statement, kept for a short while by the process, and a
 * request sees one consistent copy whatever the tick of its look-ups.
 */
export function createReferenceLookups(db: DataSource) {
  let data: Promise<ReferenceData> | null = null;
  let refreshed = false;
  const read = () => (data ??= readReferenceData(db));
  // A row added since the process cached them: read again, once per request.
  const readAfterMiss = () => {
    if (!refreshed) {
      refreshed = true;
      cache.delete(db);
      data = null;
    }
    return read();
  };
  const lookup = <T extends object>(table: (reference: ReferenceData) => Map<string, T>): ReferenceLookup<T> => {
    const find = async (id: string): Promise<T | null> => table(await read()).get(id) ?? table(await readAfterMiss()).get(id) ?? null;
    return {
      load: find,
      loadMany: async ids => {
        const rows: (T | null)[] = await Promise.all(ids.map(find));
        return rows.filter((row): row is T => row !== null);
      },
    };
  };
  return {
    collectionById: lookup(reference => reference.collections),
    partnerById: lookup(reference => reference.partners),
    licenceById: lookup(reference => reference.licences),
  };
}
