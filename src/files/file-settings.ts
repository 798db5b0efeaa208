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

const MIB = 1024 * 1024;
const settings = new WeakMap<DataSource, FileSettings>();

/** Set once by createApp, per database (as the webhooks' address policy is). */
export function setFileSettings(db: DataSource, value: Omit<FileSettings, 'store'> & { store?: FileStore }): FileSettings {
  const complete = { ...value, store: value.store ?? postgresFileStore(db) };
  settings.set(db, complete);
  return complete;
}

/** The limits, links and store of this database's files; the defaults (25 MiB, 100 MiB, PostgreSQL) when createApp set none. */
export function fileSettingsOf(db: DataSource): FileSettings {
  return settings.get(db) ?? setFileSettings(db, { maxBytes: 25 * MIB, quotaBytes: 100 * MIB, publicUrl: 'http://localhost:4000' });
}
