import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeAtClientPace } from '../../src/http/paced-write';

/** A response being streamed to a client that stops reading, then leaves: the writer must learn it, never wait for good. */
async function streamToLeavingClient(): Promise<{ res: ServerResponse; leave(): Promise<void>; close(): void }> {
  let answer!: (res: ServerResponse) => void;
  const responding = new Promise<ServerResponse>(resolve => (answer = resolve));
  const server = createServer((_req, res) => answer(res));
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const client = request({ port: (server.address() as AddressInfo).port, host: '127.0.0.1' }, incoming => incoming.pause());
  client.on('error', () => undefined);
  client.end();
  const res = await responding;
  return {
    res,
    leave: async () => {
      const closed = new Promise(resolve => res.once('close', resolve));
      client.destroy();
      await closed;
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

const CHUNK = 'x'.repeat(1 << 20);

test('a client gone before the write (its close already emitted): false at once', async () => {
  const { res, leave, close } = await streamToLeavingClient();
  try {
    await leave();
    expect(await writeAtClientPace(res, CHUNK)).toBe(false);
  } finally {
    close();
  }
});

test('a client that stops reading: the writer waits; once it leaves, false', async () => {
  const { res, leave, close } = await streamToLeavingClient();
  try {
    let waiting: Promise<boolean> | null = null;
    // Fill the socket's buffers until a write has to wait for the client.
    for (let n = 0; n < 200 && waiting === null; n++) {
      const write = writeAtClientPace(res, CHUNK);
      const settled = await Promise.race([write.then(() => true), new Promise(resolve => setTimeout(resolve, 50, false))]);
      if (!settled) waiting = write;
    }
    expect(waiting).not.toBeNull();
    await leave();
    expect(await waiting).toBe(false);
  } finally {
    close();
  }
});
