import type { DataSource } from 'typeorm';
import type { FileStore } from './file-store';
import { postgresFileStore } from './postgres-file-store';

export interface FileSettings {
  /** FILE_MAX_BYTES: the largest file accepted. */
  readonly maxBytes: number;
  /** FILE_QUOTA_BYTES: what one user's files may take altogether. */
  readonly quotaBytes: number;
  /** Where the API is reached from outside (PUBLIC_URL): download links start there. */
  readonly publicUrl: string;
  readonly store: FileStore;
}

const settings = new WeakMap<DataSource, FileSettings>();

/** Set once by createApp, per database (as the webhooks' address policy is). */
export function setFileSettings(db: DataSource, value: Omit<FileSettings, 'store'> & { store?: FileStore }): FileSettings {
  const complete = { ...value, store: value.store ?? postgresFileStore(db) };
  settings.set(db, complete);
  return complete;
}

/** The limits, links and store of this database's files (the configuration's, set by createApp). */
export function fileSettingsOf(db: DataSource): FileSettings {
  const found = settings.get(db);
  if (!found) throw new Error('file settings are not set for this database: createApp sets them');
  return found;
}
