import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Viewer } from './auth/viewer';
import { createCatalogueLoaders, type CatalogueLoaders } from './catalogue/catalogue.loaders';

/** Everything a request carries through resolvers and services; built once per request. */
export interface Context {
  readonly requestId: string;
  readonly log: Logger;
  readonly db: DataSource;
  readonly viewer: Viewer;
  readonly loaders: CatalogueLoaders;
}

export function createContext(fields: Omit<Context, 'loaders'>): Context {
  return { ...fields, loaders: createCatalogueLoaders(fields.db, fields.viewer) };
}
