import type { ServerResponse } from 'node:http';

/**
 * Writes `chunk` and waits until the response may take more (backpressure): false once the client
 * has gone, before or while waiting, so that the caller reads no further. Checked again after the
 * write: a client gone meanwhile emits no more `close` to wait for.
 */
export async function writeAtClientPace(res: ServerResponse, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(chunk)) return true;
  if (res.destroyed) return false;
  await new Promise<void>(resolve => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
  return !res.destroyed;
}
