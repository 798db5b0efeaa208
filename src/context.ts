import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Viewer } from './auth/viewer';
import { createAccountLoaders } from './accounts/account.loaders';
import { createCatalogueLoaders } from './catalogue/catalogue.loaders';
import { createContentLoaders } from './content/content.loaders';

/** What the request log line reports beyond method, path and status; filled in as the request runs. */
export interface RequestTrace {
  readonly requestId: string;
  operationName?: string;
  sqlStatements?: number;
}

/** Everything a request carries through resolvers and services; built once per request. */
export interface Context {
  readonly requestId: string;
  readonly trace: RequestTrace;
  readonly log: Logger;
  readonly db: DataSource;
  readonly viewer: Viewer;
  /** Signs access tokens (JWT_SECRET, or the one generated in DATA_DIR). */
  readonly jwtSecret: string;
  readonly loaders: Loaders;
}

function createLoaders(fields: Omit<Context, 'loaders'>) {
  return { ...createCatalogueLoaders(fields.db, fields.viewer), ...createContentLoaders(fields.db), ...createAccountLoaders(fields.db) };
}

export type Loaders = ReturnType<typeof createLoaders>;

export function createContext(fields: Omit<Context, 'loaders'>): Context {
  return { ...fields, loaders: createLoaders(fields) };
}
