import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { snapshotEmptyDatabase, startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres';

/** Pool connections per test database: the app's pool plus a few direct test connections. */
const MAX_CONNECTIONS = 16;

export interface EmbeddedFactory {
  url: string;
  stop(): Promise<void>;
}

/**
 * Runs in Jest's parent process (PGlite cannot start inside a test sandbox) and hands each test file
 * a fresh in-memory PGlite behind its own socket: `POST /databases` → `{ id, url }`, `DELETE /databases/:id`.
 */
export async function startEmbeddedFactory(): Promise<EmbeddedFactory> {
  const snapshot = await snapshotEmptyDatabase();
  const databases = new Map<string, EmbeddedPostgres>();
  let next = 0;

  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      // One connection per request: a test file may start long after the previous one's last call, and a
      // kept-alive socket the server had meanwhile timed out is reset under the next request (seen in CI).
      res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify(body));
    };
    const handle = async () => {
      if (req.method === 'POST' && req.url === '/databases') {
        const id = String(++next);
        const database = await startEmbeddedPostgres({ snapshot, maxConnections: MAX_CONNECTIONS });
        databases.set(id, database);
        return reply(201, { id, url: database.url });
      }
      const match = /^\/databases\/(\d+)$/.exec(req.url ?? '');
      if (req.method === 'DELETE' && match && databases.has(match[1])) {
        await databases.get(match[1])!.stop();
        databases.delete(match[1]);
        return reply(200, { id: match[1] });
      }
      reply(404, { error: 'unknown route or database' });
    };
    handle().catch(error => reply(500, { error: String(error) }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await new Promise<void>(resolve => server.close(() => resolve()));
      await Promise.all([...databases.values()].map(database => database.stop()));
    },
  };
}
