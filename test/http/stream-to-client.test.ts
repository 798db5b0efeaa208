import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { streamToClient } from '../../src/http/stream-to-client';

/** A server whose one route streams what `respond` says; the test's client reads it, or leaves. */
async function serve(respond: (res: ServerResponse) => Promise<void>) {
  const server = createServer((_req, res) => void respond(res));
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    request: () => new Promise<IncomingMessage>((resolve, reject) => get(url, resolve).on('error', reject)),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

const CHUNK = 'x'.repeat(64 * 1024);

test('the whole source, then the end: true', async () => {
  let sent: Promise<boolean> | null = null;
  const server = await serve(async res => {
    sent = streamToClient((async function* () { yield 'un;'; yield 'deux'; })(), res);
  });
  try {
    const response = await server.request();
    let body = '';
    for await (const chunk of response) body += chunk;
    expect(body).toBe('un;deux');
    expect(await sent).toBe(true);
  } finally {
    server.close();
  }
});

test('a client that stops reading holds the source back; once it leaves: false, and the source is closed', async () => {
  let produced = 0;
  let closed = false;
  let sent: Promise<boolean> | null = null;
  const server = await serve(async res => {
    const source = (async function* () {
      try {
        for (;;) {
          produced += 1;
          yield CHUNK;
        }
      } finally {
        closed = true;
      }
    })();
    sent = streamToClient(source, res);
  });
  try {
    const response = await server.request();
    response.pause();
    await new Promise(resolve => setTimeout(resolve, 300));
    // Only what the socket's buffers hold was produced: not an endless document in memory.
    expect(produced).toBeLessThan(200);
    const before = produced;
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(produced).toBe(before);
    response.destroy();
    expect(await sent).toBe(false);
    expect(closed).toBe(true);
  } finally {
    server.close();
  }
});

test('a source that fails: the error is the caller’s, and the client sees a broken transfer, not a short file', async () => {
  let sent: Promise<boolean> | null = null;
  const server = await serve(async res => {
    sent = streamToClient((async function* () {
      yield 'début;';
      throw new Error('base indisponible');
    })(), res);
    await sent.catch(() => undefined);
  });
  try {
    const response = await server.request();
    const read = (async () => {
      for await (const _ of response);
    })();
    await expect(read).rejects.toThrow(/aborted/);
    await expect(sent).rejects.toThrow('base indisponible');
  } finally {
    server.close();
  }
});
