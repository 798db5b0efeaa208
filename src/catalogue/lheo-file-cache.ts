import { randomUUID } from 'node:crypto';
import type { ReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';

/** Under DATA_DIR. */
export const LHEO_CACHE_DIR = 'lheo-export';

const FINISHED = '.xml';
const UNFINISHED = '.partial';
/** An unfinished file this old belongs to an export that died with its process (a write comes every batch): removed. */
const ABANDONED_AFTER_MS = 3_600_000;

/**
 * The LHEO document of one catalogue state as a file, named after its ETag (same tag, same bytes):
 * the first request after a change writes it while it streams it, later ones read the file and not
 * the database. Only the newest state's file is kept. Each API process may keep its own: a shared
 * directory is fine too, names never collide and renames are atomic.
 */
export class LheoFileCache {
  constructor(private readonly dir: string) {}

  private fileOf(etag: string): string {
    return path.join(this.dir, `${etag.replace(/"/g, '')}${FINISHED}`);
  }

  /**
   * The whole document of this tag, to stream; null when none is kept, or none can be read: the
   * caller builds it then, and `create` logs what is wrong with the directory.
   */
  async open(etag: string): Promise<ReadStream | null> {
    // Opened before it is read: a newer state's writer may remove the name meanwhile, not the open file.
    const file = await open(this.fileOf(etag)).catch(() => null);
    return file && file.createReadStream();
  }

  /**
   * A file to write this tag's document to. A directory that refuses it (read-only, full) costs the
   * cache, not the answer: the request streams as it would without a cache, and the log says why.
   */
  async create(etag: string, log: Logger): Promise<PendingDocument> {
    const finished = this.fileOf(etag);
    const unfinished = `${finished}.${randomUUID()}${UNFINISHED}`;
    try {
      await mkdir(this.dir, { recursive: true });
      return new PendingDocument(await open(unfinished, 'wx'), unfinished, finished, log, () => this.removeAllBut(finished));
    } catch (error) {
      log.warn({ err: error }, 'LHEO export not cached: no file for it');
      return new PendingDocument(null, unfinished, finished, log, async () => undefined);
    }
  }

  /** Older states' documents, and unfinished ones whose writer is long gone; races with other writers are harmless. */
  private async removeAllBut(kept: string): Promise<void> {
    const names = await readdir(this.dir).catch(() => []);
    const stale = async (file: string) =>
      file.endsWith(FINISHED) ? file !== kept : file.endsWith(UNFINISHED) && Date.now() - (await stat(file)).mtimeMs > ABANDONED_AFTER_MS;
    for (const file of names.map(name => path.join(this.dir, name))) {
      if (await stale(file).catch(() => false)) await unlink(file).catch(() => undefined);
    }
  }
}

/**
 * A document being written under a name of its own, renamed to its tag's only once whole (`keep`):
 * no reader ever opens part of one. Whatever is not kept (the client left, the export failed, the
 * state changed during it) is removed by `discard`.
 */
export class PendingDocument {
  constructor(
    /** null once kept or discarded, or from the start when there is no file: nothing more is written. */
    private file: FileHandle | null,
    private readonly unfinished: string,
    private readonly finished: string,
    private readonly log: Logger,
    private readonly removeOthers: () => Promise<void>,
  ) {}

  async write(chunk: string): Promise<void> {
    if (!this.file) return;
    try {
      await this.file.appendFile(chunk, 'utf8');
    } catch (error) {
      this.log.warn({ err: error }, 'LHEO export not cached: writing its file failed');
      await this.discard();
    }
  }

  async keep(): Promise<void> {
    const file = this.file;
    if (!file) return;
    this.file = null;
    try {
      await file.close();
      await rename(this.unfinished, this.finished);
    } catch (error) {
      // The client has the whole document all the same: the next request builds it again.
      this.log.warn({ err: error }, 'LHEO export not cached: keeping its file failed');
      await unlink(this.unfinished).catch(() => undefined);
      return;
    }
    await this.removeOthers();
  }

  async discard(): Promise<void> {
    const file = this.file;
    if (!file) return;
    this.file = null;
    await file.close().catch(() => undefined);
    await unlink(this.unfinished).catch(() => undefined);
  }
}
