import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import pino from 'pino';
import { REDIS_RETRY_AFTER_MS, RedisWithFallback } from '../../src/db/redis-with-fallback';

/**
 * A Redis that hangs (accepts connections, never answers) rather than refusing them: without a
 * circuit breaker, every request would wait the command timeout (1 s) before counting in PostgreSQL.
 * The fake server below answers like Redis (every command `+OK`, `INFO` empty) until told to hang;
 * then it swallows every command, and answers them all in order once told to answer again, as a
 * Redis that was stopped and resumed does.
 */
class HangingRedis {
  readonly commands: string[] = [];
  private hanging = false;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly unanswered = new Map<Socket, number>();

  constructor() {
    this.server = createServer(socket => {
      this.sockets.add(socket);
      this.unanswered.set(socket, 0);
      socket.on('close', () => this.sockets.delete(socket));
      let buffer = '';
      socket.on('data', chunk => {
        buffer += chunk.toString('latin1');
        for (let command = HangingRedis.next(buffer); command !== null; command = HangingRedis.next(buffer)) {
          buffer = buffer.slice(command.length);
          this.commands.push(command.name);
          if (this.hanging) this.unanswered.set(socket, this.unanswered.get(socket)! + 1);
          else socket.write(HangingRedis.reply(command.name));
        }
      });
    });
  }

  /** The first complete command (a RESP array of bulk strings) in `buffer`: its name and length, or null. */
  private static next(buffer: string): { name: string; length: number } | null {
    const header = /^\*(\d+)\r\n/.exec(buffer);
    if (!header) return null;
    let offset = header[0].length;
    const parts: string[] = [];
    for (let part = 0; part < Number(header[1]); part++) {
      const bulk = /^\$(\d+)\r\n/.exec(buffer.slice(offset));
      if (!bulk || buffer.length < offset + bulk[0].length + Number(bulk[1]) + 2) return null;
      parts.push(buffer.substr(offset + bulk[0].length, Number(bulk[1])));
      offset += bulk[0].length + Number(bulk[1]) + 2;
    }
    return { name: parts[0].toLowerCase(), length: offset };
  }

  private static reply(name: string): string {
    return name === 'info' ? '$0\r\n\r\n' : '+OK\r\n';
  }

  async listen(): Promise<string> {
    await new Promise<void>(resolve => this.server.listen(0, '127.0.0.1', resolve));
    return `redis://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  hang(): void {
    this.hanging = true;
  }

  answer(): void {
    this.hanging = false;
    for (const [socket, count] of this.unanswered) {
      socket.write('+OK\r\n'.repeat(count));
      this.unanswered.set(socket, 0);
    }
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise(resolve => this.server.close(resolve));
  }
}

const COMMAND_TIMEOUT_MS = 1_000;
let fake: HangingRedis;
let redis: RedisWithFallback;
beforeAll(async () => {
  fake = new HangingRedis();
  redis = new RedisWithFallback(await fake.listen(), pino({ level: 'silent' }));
});
afterAll(async () => {
  fake.answer();
  await redis.close();
  await fake.close();
});

/** Where one count went (Redis or PostgreSQL), and how long it took. */
async function count(): Promise<{ counted: 'Redis' | 'PostgreSQL'; ms: number }> {
  const started = performance.now();
  const counted = await redis.run<'Redis' | 'PostgreSQL'>(
    async client => {
      await client.eval('return 1', 0);
      return 'Redis';
    },
    async () => 'PostgreSQL',
  );
  return { counted, ms: performance.now() - started };
}
const evals = () => fake.commands.filter(command => command === 'eval').length;
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

test('a hanging Redis costs one request the command timeout, then is left alone for a while and tried again', async () => {
  expect((await count()).counted).toBe('Redis');

  fake.hang();
  const first = await count();
  expect(first.counted).toBe('PostgreSQL');
  expect(first.ms).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS * 0.9);
  const failedAt = performance.now();
  const tried = evals();

  // Open: the following requests go straight to PostgreSQL, well under the timeout, without a word to Redis.
  for (let request = 0; request < 5; request++) {
    const next = await count();
    expect(next.counted).toBe('PostgreSQL');
    expect(next.ms).toBeLessThan(COMMAND_TIMEOUT_MS / 5);
  }
  expect(evals()).toBe(tried);

  // Half-open after the window: one request tries Redis (and waits the timeout again); the others keep to PostgreSQL meanwhile.
  await sleep(REDIS_RETRY_AFTER_MS - (performance.now() - failedAt) + 50);
  const [probe, meanwhile] = await Promise.all([count(), sleep(10).then(count)]);
  expect(evals()).toBe(tried + 1);
  expect(probe).toEqual({ counted: 'PostgreSQL', ms: expect.any(Number) });
  expect(probe.ms).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS * 0.9);
  expect(meanwhile.counted).toBe('PostgreSQL');
  expect(meanwhile.ms).toBeLessThan(COMMAND_TIMEOUT_MS / 5);
  // Still hanging: open again for a window.
  const reopenedAt = performance.now();
  expect((await count()).ms).toBeLessThan(COMMAND_TIMEOUT_MS / 5);
  expect(evals()).toBe(tried + 1);

  // Redis answers again: after the window, the next request counts there, and so do the following ones.
  fake.answer();
  await sleep(REDIS_RETRY_AFTER_MS - (performance.now() - reopenedAt) + 50);
  expect((await count()).counted).toBe('Redis');
  expect((await count()).counted).toBe('Redis');
}, 30_000);
