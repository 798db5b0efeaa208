import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Streams `source` to the client at the client's pace and ends the response: true once all of it
 * is sent, false when the client left first (the source is closed then, reading no further). A
 * source that fails cuts the connection: the client sees a broken transfer, never a short document
 * that looks whole. Text sources are read one chunk ahead at most, so memory holds about a chunk.
 */
export async function streamToClient(source: AsyncIterable<string> | Readable, res: ServerResponse): Promise<boolean> {
  const readable = source instanceof Readable ? source : Readable.from(source, { objectMode: true, highWaterMark: 1 });
  try {
    await pipeline(readable, res);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return false;
    throw error;
  }
}
