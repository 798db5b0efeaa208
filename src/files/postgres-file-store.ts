import type { DataSource, EntityManager } from 'typeorm';
import type { FileStore } from './file-store';

/** Bytes per row of `personal_file_chunk`: big enough that a 25 MiB file is 100 rows, small enough to hold a few in memory per request. */
export const CHUNK_BYTES = 256 * 1024;

/** Chunks fetched per query when reading. */
const READ_BATCH = 2;

/** Offsets are `int`: files stay below 2 GiB (FILE_MAX_BYTES is capped there). */
const LAST_BYTE = 2 ** 31 - 1;

/**
 * Files in PostgreSQL, as rows of `personal_file_chunk (file_id, seq, first_byte, data bytea)`, so
 * that every API process sees the same files with no other service to run. Chunks rather than
 * large objects (`lo_*`): plain SQL that PGlite and PostgreSQL run alike through the same driver;
 * an upload writes one short statement per chunk (no transaction held open while the client
 * sends, which PGlite's single session could not afford); a `Range` read fetches only the chunks
 * it covers; deleting a file is an ordinary transactional DELETE (with a cascade from the file's
 * row), with no orphaned large objects for `lo_unlink` or vacuumlo to chase.
 */
export function postgresFileStore(db: DataSource): FileStore {
  return {
    async write(fileId, source) {
      // One buffer, refilled after each insert has completed (the driver has sent it by then).
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      let filled = 0;
      let seq = 0;
      let written = 0;
      const flush = async () => {
        await db.query(`INSERT INTO personal_file_chunk (file_id, seq, first_byte, data) VALUES ($1, $2, $3, $4)`, [fileId, seq, written, chunk.subarray(0, filled)]);
        written += filled;
        seq += 1;
        filled = 0;
      };
      for await (const piece of source) {
        let offset = 0;
        while (offset < piece.length) {
          const copied = piece.copy(chunk, filled, offset);
          filled += copied;
          offset += copied;
          if (filled === CHUNK_BYTES) await flush();
        }
      }
      if (filled > 0) await flush();
      return written;
    },

    async *read(fileId, range) {
      let position = range?.start ?? 0;
      const end = Math.min(range?.end ?? LAST_BYTE, LAST_BYTE);
      const [first] = await db.query<{ seq: number }[]>(
        `SELECT seq FROM personal_file_chunk WHERE file_id = $1 AND first_byte <= $2 ORDER BY seq DESC LIMIT 1`,
        [fileId, position],
      );
      if (!first) return;
      let seq = first.seq;
      while (position <= end) {
        const rows = await db.query<{ seq: number; firstByte: number; data: Buffer }[]>(
          `SELECT seq, first_byte AS "firstByte", data FROM personal_file_chunk
           WHERE file_id = $1 AND seq >= $2 AND first_byte <= $3 ORDER BY seq LIMIT ${READ_BATCH}`,
          [fileId, seq, end],
        );
        if (rows.length === 0) return;
        for (const row of rows) {
          const from = Math.max(0, position - row.firstByte);
          const to = Math.min(row.data.length, end - row.firstByte + 1);
          if (to > from) yield row.data.subarray(from, to);
          position = row.firstByte + to;
        }
        seq = rows[rows.length - 1].seq + 1;
      }
    },

    async remove(manager: EntityManager, fileIds) {
      if (fileIds.length > 0) await manager.query(`DELETE FROM personal_file_chunk WHERE file_id = ANY($1::uuid[])`, [fileIds]);
    },
  };
}
