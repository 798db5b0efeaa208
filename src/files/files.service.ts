import type { DataSource, EntityManager } from 'typeorm';
import { forbidden } from '../auth/auth-checker';
import type { Context } from '../context';
import { DomainError } from '../graphql/errors';
import { localIdOf, toGlobalId } from '../graphql/global-id';
import { fileSettingsOf } from './file-settings';
import { mayReadFile, maySeeStorage } from './file-rights';
import { FileStatus, PersonalFile } from './personal-file.entity';
import { StorageUsage } from './files.types';

/** Bytes the owner's stored files take (uploads in progress do not count until they are stored). */
export async function storedBytes(db: DataSource | EntityManager, ownerId: string): Promise<number> {
  const [{ used }] = await db.query<{ used: string }[]>(
    `SELECT coalesce(sum(size), 0) AS used FROM personal_file WHERE owner_id = $1 AND status = 'STORED'`,
    [ownerId],
  );
  return Number(used);
}

/** The viewer's own stored file with this global id, or null (unknown, malformed, someone else's, not yet stored). */
export async function findMyFile(ctx: Context, globalId: string): Promise<PersonalFile | null> {
  const id = localIdOf(globalId, 'PersonalFile');
  return id ? findOwnFile(ctx, id) : null;
}

/** `node(id)`'s finder: the same file, by local id, for its owner only. */
export async function findOwnFile(ctx: Context, id: string): Promise<PersonalFile | null> {
  if (ctx.viewer.userId === null) return null;
  const file = await ctx.db.getRepository(PersonalFile).findOneBy({ id, status: FileStatus.STORED });
  return file && mayReadFile(ctx.viewer, file) ? file : null;
}

/** The signed-in user's files, newest first. */
export function myFiles(ctx: Context): Promise<PersonalFile[]> {
  return listFilesOf(ctx.db, ctx.viewer.userId!);
}

/** Every stored file of a user (metadata only), newest first: for `myFiles` and the user's data export. */
export function listFilesOf(db: DataSource | EntityManager, userId: string): Promise<PersonalFile[]> {
  return db.getRepository(PersonalFile).find({ where: { ownerId: userId, status: FileStatus.STORED }, order: { createdAt: 'DESC', id: 'DESC' } });
}

/** Where the owner downloads a file: `GET /files/:id` on the API's public URL. */
export function downloadUrlOf(db: DataSource, file: { id: string }): string {
  return `${fileSettingsOf(db).publicUrl}/files/${toGlobalId('PersonalFile', file.id)}`;
}

/** `User.storage`: for the user themself only; anyone else is FORBIDDEN (the field is non-null). */
export async function storageUsage(ctx: Context, userId: string): Promise<StorageUsage> {
  if (!maySeeStorage(ctx.viewer, userId)) throw forbidden('L’espace de stockage d’un utilisateur ne se consulte que par lui-même.');
  return Object.assign(new StorageUsage(), { usedBytes: await storedBytes(ctx.db, userId), quotaBytes: fileSettingsOf(ctx.db).quotaBytes });
}

/** Deletes one of the viewer's files, metadata and bytes, in one transaction; anyone else's or an unknown id is NOT_FOUND. */
export async function deleteFile(ctx: Context, globalId: string): Promise<{ deletedId: string }> {
  const id = localIdOf(globalId, 'PersonalFile');
  const { store } = fileSettingsOf(ctx.db);
  await ctx.db.transaction(async manager => {
    const [file] = id
      ? await manager.query<{ ownerId: string }[]>(`SELECT owner_id AS "ownerId" FROM personal_file WHERE id = $1 AND status = 'STORED' FOR UPDATE`, [id])
      : [];
    if (!file || !mayReadFile(ctx.viewer, file)) throw new DomainError('NOT_FOUND', 'Aucun de vos fichiers ne porte cet identifiant.', ['id']);
    await store.remove(manager, [id!]);
    await manager.query(`DELETE FROM personal_file WHERE id = $1`, [id]);
  });
  return { deletedId: globalId };
}

/**
 * Removes every file of a user (stored or being uploaded), metadata and bytes, within the caller's
 * transaction: for account deletion. An upload still running for the user then fails and is discarded.
 */
export async function deleteFilesOf(manager: EntityManager, userId: string): Promise<number> {
  const rows = await manager.query<{ id: string }[]>(`SELECT id FROM personal_file WHERE owner_id = $1 FOR UPDATE`, [userId]);
  const ids = rows.map(row => row.id);
  await fileSettingsOf(manager.connection).store.remove(manager, ids);
  if (ids.length > 0) await manager.query(`DELETE FROM personal_file WHERE id = ANY($1::uuid[])`, [ids]);
  return ids.length;
}
