import type { EntityManager } from 'typeorm';

/** Bytes `start` to `end` of a file, both included (as HTTP's `Range: bytes=start-end`). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where the bytes of personal files live; their metadata stays in `personal_file`. The PostgreSQL
 * store is the default (postgres-file-store.ts); an S3-compatible one would implement the same
 * three calls (write: a multipart upload; read: a ranged GET; remove: writing the keys to delete
 * in the caller's transaction, an outbox of sorts, deleted from the bucket once committed).
 */
export interface FileStore {
  /**
   * Stores the bytes of `fileId` as `source` yields them, waiting for each write before reading on
   * (the upload's backpressure). Resolves with the number of bytes written; on failure what was
   * written stays until `remove`.
   */
  write(fileId: string, source: AsyncIterable<Buffer>): Promise<number>;
  /** The file's bytes (or those of `range`), in order, a few chunks at a time. */
  read(fileId: string, range?: ByteRange): AsyncIterable<Buffer>;
  /** Removes the bytes of these files, within the caller's transaction. */
  remove(manager: EntityManager, fileIds: readonly string[]): Promise<void>;
}
