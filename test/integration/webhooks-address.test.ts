import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { AddressRefused, checkWebhookTarget, DEVELOPMENT_POLICY, PRODUCTION_POLICY, systemResolver, whyNotPublic, type Resolver } from '../../src/integration/webhook-address';
import { NoResponse, sendWebhook, WEBHOOK_LIMITS, type PostLimits } from '../../src/integration/webhook-http';
import { WEBHOOK_MAX_ATTEMPTS, webhookRetryDelaySeconds } from '../../src/integration/webhook-sender';

const refused = [
  // IPv4: this network, private, CGNAT, loopback, link-local and metadata, reserved, multicast, broadcast
  '0.0.0.0', '0.1.2.3', '10.0.0.1', '10.255.255.255', '100.64.0.1', '100.100.100.200', '127.0.0.1', '127.1.2.3',
  '169.254.169.254', '169.254.0.1', '172.16.0.1', '172.31.255.254', '192.0.0.192', '192.0.2.10', '192.168.1.1',
  '198.18.0.1', '198.51.100.7', '203.0.113.9', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
  // IPv6: unspecified, loopback, IPv4-compatible, mapped and NAT64 forms of private IPv4, unique-local
  // (AWS metadata fd00:ec2::254), link-local, site-local, multicast, documentation, 6to4, Teredo, discard
  '::', '::1', '::127.0.0.1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '0:0:0:0:0:ffff:10.0.0.1',
  '64:ff9b::10.0.0.1', '64:ff9b::a9fe:a9fe', 'fc00::1', 'fd00:ec2::254', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'fec0::1', 'ff02::1',
  '2001:db8::1', '2002:7f00:1::1', '2001:0:4136:e378::1', '100::1', '3fff::1', '1::1', '4000::1',
];
const accepted = ['1.1.1.1', '8.8.8.8', '93.184.215.14', '172.32.0.1', '192.169.0.1', '100.128.0.1', '2606:4700:4700::1111', '2a00:1450:4007:80f::200e', '::ffff:8.8.8.8', '64:ff9b::808:808'];

test.each(refused)('%s is not a public address', address => {
  expect(whyNotPublic(address)).not.toBeNull();
});

test.each(accepted)('%s is a public address', address => {
  expect(whyNotPublic(address)).toBeNull();
});

const resolving = (...addresses: string[]) => async () => addresses.map(address => ({ address, family: address.includes(':') ? 6 : 4 }));

test('in production: https only, no credentials, every resolved address public, the checked one answered', async () => {
  const check = (url: string, resolve = resolving('93.184.215.14')) => checkWebhookTarget(url, PRODUCTION_POLICY, resolve);
  await expect(check('http://partenaire.example/hook')).rejects.toThrow('https');
  await expect(check('ftp://partenaire.example/hook')).rejects.toThrow(AddressRefused);
  await expect(check('pas une url')).rejects.toThrow(AddressRefused);
  await expect(check('https://user:pw@partenaire.example/hook')).rejects.toThrow('identifiants');
  // One private address among public ones refuses the name (a rebinding resolver could pick it).
  await expect(check('https://partenaire.example/hook', resolving('93.184.215.14', '10.0.0.7'))).rejects.toThrow('10.0.0.7');
  await expect(check('https://partenaire.example/hook', resolving('::ffff:127.0.0.1'))).rejects.toThrow(AddressRefused);
  await expect(check('https://partenaire.example/hook', async () => Promise.reject(new Error('ENOTFOUND')))).rejects.toThrow('ne se résout pas');
  // Literal addresses, in every spelling the URL parser normalises (decimal, hex, short, bracketed IPv6).
  for (const url of ['https://127.0.0.1/', 'https://2130706433/', 'https://0x7f.1/', 'https://[::1]/', 'https://[::ffff:169.254.169.254]/', 'https://localhost/']) {
    await expect(checkWebhookTarget(url, PRODUCTION_POLICY)).rejects.toThrow(AddressRefused);
  }
  await expect(check('https://partenaire.example:8443/hook?x=1')).resolves.toMatchObject({ hostname: 'partenaire.example', address: '93.184.215.14', family: 4 });
  await expect(checkWebhookTarget('https://[2606:4700:4700::1111]/', PRODUCTION_POLICY)).resolves.toMatchObject({ address: '2606:4700:4700::1111', family: 6 });
});

test('outside production, http to loopback is allowed (tests, a developer’s receiver), private networks and metadata are not', async () => {
  await expect(checkWebhookTarget('http://127.0.0.1:9/hook', DEVELOPMENT_POLICY)).resolves.toMatchObject({ address: '127.0.0.1' });
  await expect(checkWebhookTarget('http://[::1]:9/hook', DEVELOPMENT_POLICY)).resolves.toMatchObject({ address: '::1' });
  for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/x', 'http://192.168.1.1/', 'http://[fd00:ec2::254]/', 'http://[::ffff:10.0.0.1]/']) {
    await expect(checkWebhookTarget(url, DEVELOPMENT_POLICY)).rejects.toBeInstanceOf(AddressRefused);
  }
});

test('retries: about 10 s × 2ⁿ, at least 5 of them, over more than a day', () => {
  expect([1, 2, 3, 4, 5, 6].map(webhookRetryDelaySeconds)).toEqual([10, 20, 40, 80, 160, 320]);
  expect(WEBHOOK_MAX_ATTEMPTS - 1).toBeGreaterThanOrEqual(5);
  const total = Array.from({ length: WEBHOOK_MAX_ATTEMPTS - 1 }, (_, index) => webhookRetryDelaySeconds(index + 1)).reduce((a, b) => a + b);
  expect(total).toBeGreaterThan(24 * 3600);
});

test('the limits of an attempt: 5 s to connect, 15 s in all, 64 KiB of the answer read', () => {
  expect(WEBHOOK_LIMITS).toEqual({ connectTimeoutMs: 5_000, totalTimeoutMs: 15_000, maxResponseBytes: 64 * 1024 });
});

/**
 * A loopback port whose connections never open: another process listens with a backlog of one and
 * never accepts (its event loop blocked), and the queue is filled first; Linux then drops further
 * SYNs, as a firewall that drops packets would.
 */
async function portThatNeverConnects(): Promise<{ port: number; close(): void }> {
  const child = spawn(process.execPath, ['-e', `
    const server = require('node:net').createServer();
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      require('node:fs').writeSync(1, server.address().port + '\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    });`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (data: Buffer) => resolve(Number(String(data).trim())));
  });
  const fillers: Socket[] = [];
  const close = () => {
    for (const socket of fillers) socket.destroy();
    child.kill('SIGKILL');
  };
  // Connections complete until the accept queue is full; the first that does not open in 300 ms tells it is.
  for (let opened = true; opened; ) {
    const socket = connect(port, '127.0.0.1');
    fillers.push(socket);
    opened = await new Promise<boolean>(resolve => {
      const timer = setTimeout(() => resolve(false), 300);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (fillers.length > 20) {
      close();
      throw new Error('the listener’s queue never filled');
    }
  }
  return { port, close };
}

describe('sending', () => {
  let server: Server;
  let port: number;
  /** The paths asked, in order. */
  const received: string[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      received.push(request.url ?? '');
      if (request.url === '/big') {
        response.writeHead(200);
        // 1 MiB announced and sent slowly: only the first 64 KiB are read.
        response.write(Buffer.alloc(100 * 1024, 'a'));
        return;
      }
      if (request.url === '/slow') return; // never answers
      response.writeHead(204).end();
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  });
  const limits: PostLimits = { connectTimeoutMs: 500, totalTimeoutMs: 800, maxResponseBytes: 64 * 1024 };
  const send = (url: string, options: { limits?: PostLimits; resolve?: Resolver; signal?: AbortSignal } = {}) =>
    sendWebhook({ url, headers: {}, body: '{}' }, DEVELOPMENT_POLICY, options.resolve ?? systemResolver, options.limits ?? limits, options.signal ?? new AbortController().signal);
  /** Answers 127.0.0.1 for any name, after `delayMs` (or never), keeping the names asked. */
  const slowResolver = (delayMs: number) => {
    const asked: string[] = [];
    const resolve: Resolver = hostname => {
      asked.push(hostname);
      if (!Number.isFinite(delayMs)) return new Promise(() => undefined);
      return new Promise(done => setTimeout(() => done([{ address: '127.0.0.1', family: 4 }]), delayMs));
    };
    return { asked, resolve };
  };

  test('a body is read at most 64 KiB', async () => {
    const result = await send(`http://127.0.0.1:${port}/big`);
    expect(result.status).toBe(200);
    expect(result.body.length).toBe(64 * 1024);
  });

  test('a receiver that does not answer in time is given up', async () => {
    const started = Date.now();
    await expect(send(`http://127.0.0.1:${port}/slow`)).rejects.toThrow(new NoResponse('pas de réponse complète en 0.8 s'));
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('a connection that never opens is given up at the connect limit', async () => {
    const silent = await portThatNeverConnects();
    try {
      const started = Date.now();
      await expect(send(`http://127.0.0.1:${silent.port}/`, { limits: { ...limits, connectTimeoutMs: 300, totalTimeoutMs: 10_000 } }))
        .rejects.toThrow(new NoResponse('pas de connexion en 0.3 s'));
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      silent.close();
    }
  });

  test('the limits count from before the name is resolved: a slow resolver eats into them', async () => {
    // Slower than the connect limit: given up then, the name's answer never used.
    const slower = slowResolver(1_500);
    await expect(send(`http://partenaire.example:${port}/late`, { resolve: slower.resolve, limits: { ...limits, connectTimeoutMs: 300, totalTimeoutMs: 10_000 } }))
      .rejects.toThrow(new NoResponse('pas de connexion en 0.3 s'));
    expect(slower.asked).toEqual(['partenaire.example']);
    await new Promise(resolve => setTimeout(resolve, 1_500));
    expect(received).not.toContain('/late');
    // Within the connect limit, then no answer: the whole attempt takes the total limit, resolution included.
    const started = Date.now();
    await expect(send(`http://partenaire.example:${port}/slow`, { resolve: slowResolver(1_500).resolve, limits: { ...limits, connectTimeoutMs: 2_000, totalTimeoutMs: 2_500 } }))
      .rejects.toThrow(new NoResponse('pas de réponse complète en 2.5 s'));
    expect(Date.now() - started).toBeLessThan(3_500);
  });

  test('an abort cuts a request short, or a name resolution under way', async () => {
    const stopping = new AbortController();
    const pending = send(`http://127.0.0.1:${port}/slow`, { limits: { ...limits, totalTimeoutMs: 60_000 }, signal: stopping.signal });
    setTimeout(() => stopping.abort(), 50);
    await expect(pending).rejects.toThrow('arrêt du serveur');

    const never = slowResolver(Infinity);
    const stoppingLookup = new AbortController();
    const resolving = send(`http://partenaire.example:${port}/slow`, { resolve: never.resolve, limits: { ...limits, connectTimeoutMs: 60_000, totalTimeoutMs: 60_000 }, signal: stoppingLookup.signal });
    setTimeout(() => stoppingLookup.abort(), 50);
    await expect(resolving).rejects.toThrow(new NoResponse('arrêt du serveur : requête abandonnée'));
    expect(never.asked).toEqual(['partenaire.example']);
  });

  test('a refused connection is an error without a status', async () => {
    const closed = createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise(resolve => closed.close(resolve));
    await expect(send(`http://127.0.0.1:${closedPort}/`)).rejects.toThrow('connexion impossible');
  });
});
