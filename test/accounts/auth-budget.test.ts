import { createHash, randomBytes, randomInt } from 'node:crypto';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { budgetKeyOf } from '../../src/http/client-address';
import { agents, bearer } from '../support/people';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Secret-checking operations spend a budget per client address and minute, shared by every
 * process: in PostgreSQL, or in Redis when REDIS_URL is set; X-Forwarded-For counts only as far as
 * TRUST_PROXY allows. Every client address below is drawn for this run, so that runs sharing one
 * Redis (the keys outlive a test by up to two minutes) never share a budget.
 */
const LOGIN = 'mutation($email: String!) { login(email: $email, password: "pas le bon mot de passe") { userErrors { code } } }';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEY_PREFIX = 'mentor:auth-rate:';

const run = randomBytes(3).toString('hex');
const drawn: string[] = [];
/**
 * An address of the documentation range (RFC 3849) unique to this run, as a trusted proxy would
 * report it: `n` (below 256) numbers its /64, the unit of a budget; `host` is one of that /64.
 */
function address(n: number, host = '::1'): string {
  const value = `2001:db8:${run.slice(0, 4)}:${run.slice(4)}${n.toString(16).padStart(2, '0')}${host}`;
  drawn.push(value);
  return value;
}
/** A loopback address to connect from (a dual-stack socket sees it IPv4-mapped: the same budget). */
function loopback(): string {
  const local = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
  drawn.push(local);
  return local;
}
const hashOf = (value: string) => createHash('sha256').update(budgetKeyOf(value)).digest('hex');

let redis: Redis;
beforeAll(() => {
  redis = new Redis(REDIS_URL);
});
afterAll(async () => {
  for (const value of new Set(drawn)) {
    const keys = await keysOf(value);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

async function keysOf(value: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${KEY_PREFIX}${hashOf(value)}:*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** Attempts counted per minute, oldest first, for these addresses taken together, in Redis or in the app's database. */
async function perMinute(where: 'Redis' | TestApp, addresses: string[]): Promise<number[]> {
  if (where !== 'Redis') {
    const rows = await where.sql<{ attempts: number }>(
      `SELECT sum(attempts)::int AS attempts FROM auth_rate WHERE address_hash = ANY($1) GROUP BY minute ORDER BY minute`,
      [addresses.map(hashOf)],
    );
    return rows.map(row => row.attempts);
  }
  const minutes = new Map<number, number>();
  for (const value of addresses) {
    for (const key of await keysOf(value)) {
      const minute = Number(key.slice(key.lastIndexOf(':') + 1));
      minutes.set(minute, (minutes.get(minute) ?? 0) + Number(await redis.get(key)));
    }
  }
  return [...minutes].sort(([a], [b]) => a - b).map(([, attempts]) => attempts);
}

const sum = (counts: number[]) => counts.reduce((total, count) => total + count, 0);

/** The budget is per minute: if the attempts straddled the turn of a minute, each minute has its own. */
function expectedOutcomes(minutes: number[], budget: number, passed: string[]): string[][] {
  return minutes.flatMap(attempts => Array.from({ length: attempts }, (_, index) => (index < budget ? passed : ['TOO_MANY_REQUESTS'])));
}

async function codes(api: TestApp, email: string, headers: Record<string, string> = {}): Promise<string[]> {
  const { body } = await api.gql<{ login: { userErrors: { code: string }[] } }>(LOGIN, { email }, headers);
  return body.data!.login.userErrors.map(error => error.code);
}

/** A sign-in sent from a given local address (fetch cannot choose one). */
function codesFrom(api: TestApp, localAddress: string, email: string, headers: Record<string, string>): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: api.app.port, path: '/graphql', method: 'POST', localAddress, agent: false, headers: { 'content-type': 'application/json', ...headers } },
      res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', chunk => (text += chunk));
        res.on('end', () => resolve((JSON.parse(text) as { data: { login: { userErrors: { code: string }[] } } }).data.login.userErrors.map(error => error.code)));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ query: LOGIN, variables: { email } }));
  });
}

describe.each(['PostgreSQL', 'Redis'] as const)('counted in %s', store => {
  const withStore = (env: Record<string, string>) => ({ DEMO_DATA: 'false', ...env, ...(store === 'Redis' ? { REDIS_URL } : {}) });
  const counted = (api: TestApp, addresses: string[]) => perMinute(store === 'Redis' ? 'Redis' : api, addresses);

  describe('without a trusted proxy', () => {
    let api: TestApp;
    beforeAll(async () => {
      api = await startTestApp(withStore({ AUTH_RATE_LIMIT_PER_MINUTE: '3' }));
    });
    afterAll(() => api.stop());

    test('past the budget a sign-in is TOO_MANY_REQUESTS, whatever the address or X-Forwarded-For given', async () => {
      const client = loopback();
      const forged = [0, 1, 2, 3, 4].map(attempt => address(100 + attempt));
      const outcomes = [];
      for (const [attempt, header] of forged.entries()) {
        // A different address each time (the per-address lockout is another rule) and a forged forwarding header.
        outcomes.push(await codesFrom(api, client, `essai${attempt}@numerique.gouv.fr`, { 'x-forwarded-for': header }));
      }
      const minutes = await counted(api, [client]);
      expect(sum(minutes)).toBe(5); // one address, the socket's
      expect(await counted(api, forged)).toEqual([]); // the forged header did not count
      expect(outcomes).toEqual(expectedOutcomes(minutes, 3, ['INVALID_CREDENTIALS']));
    });
  });

  describe('behind one trusted proxy (TRUST_PROXY=1)', () => {
    let api: TestApp;
    beforeAll(async () => {
      api = await startTestApp(withStore({ AUTH_RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '1' }));
    });
    afterAll(() => api.stop());

    test('each client address has its own budget: the address the proxy appended, not what the client wrote before it', async () => {
      const [client1, client2, forged1, forged2, forged3] = [10, 20, 1, 2, 3].map(n => address(n));
      const from = (client: string, forged = forged3) => ({ 'x-forwarded-for': `${forged}, ${client}` });
      const first = [await codes(api, 'a1@numerique.gouv.fr', from(client1, forged1)), await codes(api, 'a2@numerique.gouv.fr', from(client1, forged2))];
      const second = [await codes(api, 'b1@numerique.gouv.fr', from(client2)), await codes(api, 'b2@numerique.gouv.fr', from(client2))];
      expect([...first, ...second]).toEqual([['INVALID_CREDENTIALS'], ['INVALID_CREDENTIALS'], ['INVALID_CREDENTIALS'], ['INVALID_CREDENTIALS']]);
      // Two budgets (the two client addresses), not four (the forged entries before them).
      expect([sum(await counted(api, [client1])), sum(await counted(api, [client2])), sum(await counted(api, [forged1, forged2, forged3]))]).toEqual([2, 2, 0]);
    });

    test('the addresses of one IPv6 /64 share a budget', async () => {
      const [one, other] = [address(60, '::1'), address(60, ':ffff:ffff:ffff:fffe')];
      const outcomes = [];
      for (const [attempt, client] of [one, other, one, other].entries()) {
        outcomes.push(await codes(api, `voisin${attempt}@numerique.gouv.fr`, { 'x-forwarded-for': client }));
      }
      const minutes = await counted(api, [one]);
      expect(sum(minutes)).toBe(4);
      expect(outcomes).toEqual(expectedOutcomes(minutes, 2, ['INVALID_CREDENTIALS']));
    });
  });

  describe('every secret-checking operation spends the same budget', () => {
    let api: TestApp;
    beforeAll(async () => {
      api = await startTestApp(withStore({ AUTH_RATE_LIMIT_PER_MINUTE: '1', TRUST_PROXY: '1' }));
    });
    afterAll(() => api.stop());

    test('after a sign-in, every other secret-checking operation is TOO_MANY_REQUESTS within the minute', async () => {
      const client = address(30);
      // Each would otherwise answer something else: a refused sign-in, a registration, INVALID_TOKEN, INVALID_CREDENTIALS, `requested`, a refused deletion.
      const [agent] = await agents(api, 1);
      const calls: [string, Record<string, unknown>, Record<string, string>?][] = [
        [LOGIN, { email: 'premier@numerique.gouv.fr' }],
        [`mutation { register(input: { email: "second@numerique.gouv.fr", password: "Une phrase de passe solide", displayName: "Second" }) { userErrors { code } } }`, {}],
        [`mutation { issueClientToken(clientId: "inconnu", clientSecret: "x") { userErrors { code } } }`, {}],
        [`mutation { verifyEmail(token: "inconnu") { userErrors { code } } }`, {}],
        [`mutation { resetPassword(token: "inconnu", password: "Une toute nouvelle phrase") { userErrors { code } } }`, {}],
        [`mutation { changePassword(currentPassword: "pas le bon", newPassword: "Une toute nouvelle phrase") { userErrors { code } } }`, {}, bearer(agent.token)],
        [`mutation { requestPasswordReset(email: "premier@numerique.gouv.fr") { userErrors { code } } }`, {}],
        [`mutation { deleteMyAccount(password: "pas le bon") { userErrors { code } } }`, {}, bearer(agent.token)],
      ];
      const outcomes: string[] = [];
      for (const [query, variables, headers] of calls) {
        const { body } = await api.gql<Record<string, { userErrors: { code: string }[] }>>(query, variables, { ...headers, 'x-forwarded-for': client });
        const [payload] = Object.values(body.data!);
        outcomes.push(payload.userErrors[0]?.code ?? 'OK');
      }
      // One call a minute: the first of each minute passes, the others are refused.
      const minutes = await counted(api, [client]);
      expect(sum(minutes)).toBe(calls.length);
      const firstOfMinute = minutes.flatMap(attempts => Array.from({ length: attempts }, (_, index) => index === 0));
      expect(outcomes.map((outcome, index) => (firstOfMinute[index] ? 'passed' : outcome))).toEqual(firstOfMinute.map(first => (first ? 'passed' : 'TOO_MANY_REQUESTS')));
      expect(firstOfMinute.filter(first => !first).length).toBeGreaterThanOrEqual(1);
    });
  });
});

describe('two API instances on one Redis, each on its own database', () => {
  let apis: TestApp[];
  beforeAll(async () => {
    const env = { DEMO_DATA: 'false', AUTH_RATE_LIMIT_PER_MINUTE: '3', TRUST_PROXY: '1', REDIS_URL };
    apis = [await startTestApp(env), await startTestApp(env)];
  });
  afterAll(() => Promise.all(apis.map(api => api.stop())));

  test('share one budget: attempts through either count against the address, and nothing is counted in PostgreSQL', async () => {
    const client = address(40);
    const outcomes = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      outcomes.push(await codes(apis[attempt % 2], `partage${attempt}@numerique.gouv.fr`, { 'x-forwarded-for': client }));
    }
    const minutes = await perMinute('Redis', [client]);
    expect(sum(minutes)).toBe(6);
    expect(outcomes).toEqual(expectedOutcomes(minutes, 3, ['INVALID_CREDENTIALS']));
    for (const api of apis) expect(await api.sql('SELECT * FROM auth_rate')).toEqual([]);
  });
});

describe('Redis unreachable', () => {
  let api: TestApp;
  beforeAll(async () => {
    // A port just freed: nothing listens there.
    const probe = createServer();
    await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise(resolve => probe.close(resolve));
    // No response cache: on a PostgreSQL server it would use that Redis too, and its client holds the process 2 s after closing while Redis is down.
    api = await startTestApp({ DEMO_DATA: 'false', RESPONSE_CACHE: 'false', AUTH_RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '1', REDIS_URL: `redis://127.0.0.1:${port}` });
  });
  afterAll(() => api.stop());

  test('the budget still holds, counted in PostgreSQL', async () => {
    const client = address(50);
    const outcomes = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      outcomes.push(await codes(api, `panne${attempt}@numerique.gouv.fr`, { 'x-forwarded-for': client }));
    }
    const minutes = await perMinute(api, [client]);
    expect(sum(minutes)).toBe(3);
    expect(outcomes).toEqual(expectedOutcomes(minutes, 2, ['INVALID_CREDENTIALS']));
  });
});
