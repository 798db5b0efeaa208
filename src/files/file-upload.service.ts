import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { Context } from '../context';
import { DomainError } from '../graphql/errors';
import { toGlobalId } from '../graphql/global-id';
import { cleanFileName } from './file-name';
import { fileSettingsOf } from './file-settings';
import type { FileStore } from './file-store';
import { storedMimeType } from './file-types';
import { storedBytes } from './files.service';

/** What an upload may still take: the per-file limit and the owner's free space, in bytes. */
export interface UploadRoom {
  ownerId: string;
  maxBytes: number;
  freeBytes: number;
}

/** A file arriving: its name and type as the client gave them, and its bytes as they come. */
export interface IncomingFile {
  name: string;
  type: string | undefined;
  body: AsyncIterable<Buffer>;
}

/** What `POST /files` answers (201). */
export interface UploadedFile {
  id: string;
  name: string;
  mimeType: string;
  size: number;
  sha256: string;
}

/** How long an upload may stay UPLOADING before the sweep takes it for abandoned (a process killed mid-upload). */
const STALE_UPLOAD_MS = 60 * 60 * 1000;
/**
 * Uploads one user may have under way at once: bytes in flight are written before the quota's
 * final check, so without a bound parallel uploads could fill the database far past the quota.
 */
export const UPLOADS_AT_ONCE = 4;
/** Files one user may keep: empty files take no quota, yet each is a row (and an entry in every list of them). */
export const FILES_PER_USER = 1_000;

/** SQLSTATE foreign_key_violation: the owner (or the file's row) was deleted while the upload ran. */
const FOREIGN_KEY_VIOLATION = '23503';
const accountGone = () => new GraphQLError('Ce compte n’existe plus.', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

const mebibytes = (bytes: number) => `${(bytes / (1024 * 1024)).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mio`;

/** FILE_TOO_LARGE or QUOTA_EXCEEDED when `bytes` do not fit the room; nothing otherwise. */
export function refuseOversize(room: UploadRoom, quotaBytes: number, bytes: number): void {
  if (bytes > room.maxBytes) throw new DomainError('FILE_TOO_LARGE', `Fichier trop volumineux : ${mebibytes(room.maxBytes)} au plus par fichier.`);
  if (bytes > room.freeBytes) {
    throw new DomainError('QUOTA_EXCEEDED', `Espace personnel insuffisant : ${mebibytes(Math.max(0, room.freeBytes))} libres sur ${mebibytes(quotaBytes)}.`);
  }
}

/** The room the owner has now (from the stored files); an account that no longer exists cannot upload. */
export async function uploadRoom(ctx: Context, ownerId: string): Promise<UploadRoom> {
  const { maxBytes, quotaBytes } = fileSettingsOf(ctx.db);
  const [account] = await ctx.db.query<unknown[]>(`SELECT 1 FROM user_account WHERE id = $1`, [ownerId]);
  if (!account) throw accountGone();
  return { ownerId, maxBytes, freeBytes: quotaBytes - (await storedBytes(ctx.db, ownerId)) };
}

/**
 * Stores an upload without holding a transaction while the client sends (PGlite has one session):
 * the file's row is written UPLOADING, its bytes go to the store as they arrive, sized and hashed
 * on the way and cut as soon as they pass the room; then one short transaction locks the owner's
 * account, checks the quota against what is stored now (two uploads racing for the last bytes
 * queue on that lock: the second sees the first) and marks the file STORED. Any failure — too
 * large, over quota, the client gone, the database — deletes the row and its bytes.
 */
export async function storeUpload(ctx: Context, room: UploadRoom, incoming: IncomingFile): Promise<UploadedFile> {
  const { store, quotaBytes } = fileSettingsOf(ctx.db);
  const name = cleanFileName(incoming.name);
  const mimeType = storedMimeType(incoming.type, name);
  const id = await startUpload(ctx.db, room.ownerId, name, mimeType);
  const hash = createHash('sha256');
  let size = 0;
  async function* measured(): AsyncGenerator<Buffer> {
    for await (const piece of incoming.body) {
      size += piece.length;
      refuseOversize(room, quotaBytes, size);
      hash.update(piece);
      yield piece;
    }
  }
  try {
    await store.write(id, measured());
    const sha256 = hash.digest('hex');
    await ctx.db.transaction(async manager => {
      await manager.query(`SELECT 1 FROM user_account WHERE id = $1 FOR UPDATE`, [room.ownerId]);
      refuseOversize({ ...room, freeBytes: quotaBytes - (await storedBytes(manager, room.ownerId)) }, quotaBytes, size);
      const stored = await manager.query<unknown[]>(
        `UPDATE personal_file SET status = 'STORED', size = $2, sha256 = $3 WHERE id = $1 AND status = 'UPLOADING' RETURNING id`,
        [id, size, sha256],
      );
      // Swept meanwhile (an upload slower than STALE_UPLOAD_MS), or its owner deleted.
      if (stored.length === 0) throw new Error(`upload ${id} vanished before it was stored`);
    });
    return { id: toGlobalId('PersonalFile', id), name, mimeType, size, sha256 };
  } catch (error) {
    await discardUploads(ctx.db, store, [id]).catch((cleanup: unknown) => ctx.log.error({ err: cleanup, fileId: id }, 'failed upload left behind: the sweep will remove it'));
    throw (error as { code?: string }).code === FOREIGN_KEY_VIOLATION ? accountGone() : error;
  }
}

/**
 * The upload's row, UPLOADING, written under the owner's row lock once the counts allow it: at
 * most UPLOADS_AT_ONCE under way (abandoned ones, older than the sweep's horizon, do not count)
 * and FILES_PER_USER kept.
 */
async function startUpload(db: DataSource, ownerId: string, name: string, mimeType: string): Promise<string> {
  return db.transaction(async manager => {
    const [owner] = await manager.query<unknown[]>(`SELECT 1 FROM user_account WHERE id = $1 FOR UPDATE`, [ownerId]);
    if (!owner) throw accountGone();
    const [{ uploading, kept }] = await manager.query<{ uploading: number; kept: number }[]>(
      `SELECT count(*) FILTER (WHERE status = 'UPLOADING' AND created_at > now() - make_interval(secs => $2))::int AS uploading,
              count(*) FILTER (WHERE status = 'STORED')::int AS kept
       FROM personal_file WHERE owner_id = $1`,
      [ownerId, STALE_UPLOAD_MS / 1000],
    );
    if (uploading >= UPLOADS_AT_ONCE) {
      throw new DomainError('TOO_MANY_REQUESTS', `${UPLOADS_AT_ONCE} envois au plus à la fois : attendez la fin d’un envoi en cours.`);
    }
    if (kept >= FILES_PER_USER) {
      throw new DomainError('QUOTA_EXCEEDED', `${FILES_PER_USER.toLocaleString('fr-FR')} fichiers au plus : supprimez-en avant d’en ajouter.`);
    }
    const [{ id }] = await manager.query<{ id: string }[]>(
      `INSERT INTO personal_file (owner_id, name, mime_type, status) VALUES ($1, $2, $3, 'UPLOADING') RETURNING id`,
      [ownerId, name, mimeType],
    );
    return id;
  });
}

/** Deletes unfinished uploads and their bytes. */
async function discardUploads(db: DataSource, store: FileStore, ids: string[]): Promise<void> {
  await db.transaction(async manager => {
    await store.remove(manager, ids);
    await manager.query(`DELETE FROM personal_file WHERE id = ANY($1::uuid[]) AND status = 'UPLOADING'`, [ids]);
  });
}

/** Removes uploads left UPLOADING longer than `staleMs` (their process died mid-upload); how many. */
export async function sweepStaleUploads(db: DataSource, staleMs = STALE_UPLOAD_MS): Promise<number> {
  const rows = await db.query<{ id: string }[]>(
    `SELECT id FROM personal_file WHERE status = 'UPLOADING' AND created_at < now() - make_interval(secs => $1) LIMIT 1000`,
    [staleMs / 1000],
  );
  if (rows.length > 0) await discardUploads(db, fileSettingsOf(db).store, rows.map(row => row.id));
  return rows.length;
}

/** Sweeps stale uploads now and every `everyMs`; `stop` waits for a sweep under way. */
export function startUploadSweeper(db: DataSource, log: Logger, everyMs = 10 * 60 * 1000): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const sweep = () => {
    running = sweepStaleUploads(db)
      .then(count => {
        if (count > 0) log.info({ count }, 'stale uploads removed');
      })
      .catch((error: unknown) => log.warn({ err: error }, 'stale uploads sweep failed'));
  };
  sweep();
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
