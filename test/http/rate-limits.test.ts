import { createHash, randomBytes } from 'node:crypto';
import { parse, type GraphQLSchema } from 'graphql';
import Redis from 'ioredis';
import { loadConfig } from '../../src/config';
import { operationCost } from '../../src/graphql/limits';
import { buildApiSchema } from '../../src/graphql/schema';
import { budgetKeyOf } from '../../src/http/client-address';
import { RATE_KEY_PREFIX, WINDOW_SECONDS } from '../../src/http/rate-budget-store';
import { pointsOf } from '../../src/http/rate-limit';
import { resolveJwtSecret } from '../../src/auth/secrets';
import { signAccessToken, signClientToken } from '../../src/auth/tokens';
import { ADMIN, ADMIN_ENV, agents, bearer } from '../support/people';
import { startApiProcesses, type ApiProcesses } from '../support/processes';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Every GraphQL request spends points (its estimated cost / 100, rounded up, at least 1, 5 for a
 * mutation) from the budget of its signed-in user, its API client, or its client address, shared by
 * every process (Redis, else PostgreSQL); past it, 429 TOO_MANY_REQUESTS before anything runs.
 * Client addresses are drawn for this run (documentation range, through TRUST_PROXY=1), so runs
 * sharing one Redis never share a budget.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const onSharedServer = process.env.DATABASE_URL ? describe : describe.skip;
const LIMITS = { user: 300, client: 200, anonymous: 100 };

const run = randomBytes(3).toString('hex');
let drawn = 0;
const drawnKeys: string[] = [];
/** An IPv6 /64 unique to this run (a budget's unit), as `2001:db8:xxxx:xxxx`. */
function network(): string {
  const value = `2001:db8:${run.slice(0, 4)}:${run.slice(4)}${(++drawn).toString(16).padStart(2, '0')}`;
  drawnKeys.push(addressKey(`${value}::`));
  return value;
}
/** A client address unique to this run, as a trusted proxy reports it: one of a /64 of its own. */
const address = () => `${network()}::1`;
const addressKey = (value: string) => `address:${createHash('sha256').update(budgetKeyOf(value)).digest('hex')}`;
const from = (client: string, headers: Record<string, string> = {}) => ({ 'x-forwarded-for': client, ...headers });

interface Answer {
  status: number;
  body: { data?: Record<string, any>; errors?: { message: string; extensions?: Record<string, any> }[] };
  rate: { limit: number; remaining: number; used: number; reset: number; resource: string | null } | null;
  retryAfter: number | null;
  cache: string | null;
  statements: number;
  rateStatements: number;
}

async function ask(url: string, query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const header = (name: string) => response.headers.get(name);
  const number = (name: string) => (header(name) === null ? NaN : Number(header(name)));
  return {
    status: response.status,
    body: (await response.json()) as Answer['body'],
    rate:
      header('x-ratelimit-limit') === null
        ? null
        : { limit: number('x-ratelimit-limit'), remaining: number('x-ratelimit-remaining'), used: number('x-ratelimit-used'), reset: number('x-ratelimit-reset'), resource: header('x-ratelimit-resource') },
    retryAfter: header('retry-after') === null ? null : Number(header('retry-after')),
    cache: header('x-cache'),
    statements: number('x-sql-statements'),
    rateStatements: number('x-sql-statements-rate-limit'),
  };
}

const CHEAP = '{ collections { slug } }';
/** Cached after its first answer on a PostgreSQL server (then 1 point); the alias keeps other runs' answers, in a shared Redis, out. */
const PAGE = `{ r${run}: trainings(first: 10, orderBy: TITLE) { edges { node { slug title } } } }`;
const LOGOUT = 'mutation { logout(refreshToken: "inconnu") { loggedOut } }';
const REGISTER = 'mutation($email: String!) { register(input: { email: $email, password: "Une phrase de passe solide", displayName: "Limité" }) { userErrors { code } } }';

let schema: GraphQLSchema;
const points = (query: string, variables: Record<string, unknown> = {}) => pointsOf(operationCost(schema, parse(query), variables), query.trimStart().startsWith('mutation') ? 'mutation' : 'query');

let redis: Redis;
beforeAll(async () => {
  schema = await buildApiSchema();
  redis = new Redis(REDIS_URL);
});
afterAll(async () => {
  const keys = drawnKeys.map(key => RATE_KEY_PREFIX + key);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

test('points: cost / 100 rounded up, at least 1; a mutation at least 5', () => {
  expect([pointsOf(0, 'query'), pointsOf(100, 'query'), pointsOf(101, 'query'), pointsOf(10_000, 'query')]).toEqual([1, 1, 2, 100]);
  expect([pointsOf(1, 'mutation'), pointsOf(600, 'mutation')]).toEqual([5, 6]);
  expect([points(CHEAP), points(PAGE), points(REGISTER, { email: 'a@b.fr' })]).toEqual([1, 2, 5]);
});

test('configuration: GitHub-like defaults, 0 lifts a limit, nonsense is refused', () => {
  expect(loadConfig({}).rateLimits).toEqual({ user: 5000, client: 5000, anonymous: 1000 });
  expect(loadConfig({ RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: '0', RATE_LIMIT_USER_POINTS_PER_HOUR: '12' }).rateLimits).toEqual({ user: 12, client: 5000, anonymous: 0 });
  expect(() => loadConfig({ RATE_LIMIT_CLIENT_POINTS_PER_HOUR: '-1' })).toThrow(/RATE_LIMIT_CLIENT_POINTS_PER_HOUR/);
});

describe.each(['PostgreSQL', 'Redis'] as const)('counted in %s', store => {
  let api: TestApp;
  let url: string;
  beforeAll(async () => {
    api = await startTestApp({
      ...ADMIN_ENV,
      TRUST_PROXY: '1',
      RATE_LIMIT_USER_POINTS_PER_HOUR: String(LIMITS.user),
      RATE_LIMIT_CLIENT_POINTS_PER_HOUR: String(LIMITS.client),
      RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: String(LIMITS.anonymous),
      ...(store === 'Redis' ? { REDIS_URL } : {}),
    });
    url = api.app.url;
  });
  afterAll(async () => {
    // Users' and clients' keys (fresh ids of this database) go too.
    const ids = await api.sql<{ key: string }>(`SELECT 'user:' || id AS key FROM user_account UNION ALL SELECT 'client:' || id FROM api_client`);
    if (store === 'Redis' && ids.length > 0) await redis.del(...ids.map(({ key }) => RATE_KEY_PREFIX + key));
    await api.stop();
  });

  /** Where the budget `key` stands in the store: points spent and the window's end (ms), or null. */
  async function stored(key: string): Promise<{ spent: number; resetAt: number } | null> {
    if (store === 'Redis') {
      const [spent, ttl] = await Promise.all([redis.get(RATE_KEY_PREFIX + key), redis.pttl(RATE_KEY_PREFIX + key)]);
      return spent === null ? null : { spent: Number(spent), resetAt: Date.now() + ttl };
    }
    const [row] = await api.sql<{ spent: number; window_ends: Date }>('SELECT spent, window_ends FROM rate_budget WHERE key = $1', [key]);
    return row ? { spent: row.spent, resetAt: new Date(row.window_ends).getTime() } : null;
  }

  test('every answer says the budget, GitHub-style; each request spends its points, a refused document one', async () => {
    const client = address();
    const started = Math.floor(Date.now() / 1000);
    const first = await ask(url, CHEAP, from(client));
    expect(first.status).toBe(200);
    expect(first.rate).toEqual({ limit: LIMITS.anonymous, remaining: LIMITS.anonymous - 1, used: 1, reset: expect.any(Number), resource: 'graphql' });
    expect(first.rate!.reset).toBeGreaterThanOrEqual(started + WINDOW_SECONDS - 5);
    expect(first.rate!.reset).toBeLessThanOrEqual(started + WINDOW_SECONDS + 5);
    expect(first.retryAfter).toBeNull();

    const page = await ask(url, PAGE, from(client));
    expect(page.body.errors).toBeUndefined();
    expect(page.rate).toMatchObject({ used: 1 + points(PAGE), remaining: LIMITS.anonymous - 1 - points(PAGE), reset: first.rate!.reset });
    const mutation = await ask(url, LOGOUT, from(client));
    expect(mutation.body.errors).toBeUndefined();
    expect(mutation.rate!.used).toBe(page.rate!.used + 5);
    const unparsable = await ask(url, '{ collections { slug ', from(client));
    expect(unparsable.status).toBe(400);
    expect(unparsable.rate!.used).toBe(mutation.rate!.used + 1);
    // One count, in the store every process reads.
    expect(await stored(addressKey(client))).toEqual({ spent: unparsable.rate!.used, resetAt: expect.any(Number) });
    // The accounting's statements are reported apart: one upsert in PostgreSQL, none with Redis.
    expect(page.rateStatements).toBe(store === 'Redis' ? 0 : 1);
  });

  test('a user, an API client and an address have budgets of their own', async () => {
    const [userAddress, clientAddress, other] = [address(), address(), address()];
    // Tokens signed here rather than by login and issueClientToken: those would spend the socket
    // address's budget, which in a shared Redis outlives this run.
    const secret = await resolveJwtSecret(api.app.config);
    const [{ id: adminId }] = await api.sql<{ id: string }>('SELECT id FROM user_account WHERE email = $1', [ADMIN.email]);
    const admin = { token: signAccessToken(secret, adminId, []) };
    const created = await ask(url, `mutation { createApiClient(partner: "dinum", name: "Limites", scopes: ["catalogue:write"]) { client { clientId } userErrors { code } } }`, from(other, bearer(admin.token)));
    expect(created.body.data?.createApiClient.userErrors).toEqual([]);
    const [row] = await api.sql<{ id: string; partner_id: string }>('SELECT id, partner_id FROM api_client WHERE client_id = $1', [created.body.data!.createApiClient.client.clientId]);
    const token = signClientToken(secret, { id: row.id, partnerId: row.partner_id, scopes: ['catalogue:write'] });
    const [agent] = await agents(api, 1);
    const asAgent = await ask(url, '{ me { id } }', from(userAddress, bearer(agent.token)));
    expect(asAgent.rate).toMatchObject({ limit: LIMITS.user, used: 1 });
    const asClient = await ask(url, CHEAP, from(clientAddress, bearer(token)));
    expect(asClient.rate).toMatchObject({ limit: LIMITS.client, used: 1 });
    // The same caller from elsewhere spends the same budget; the addresses' own are untouched.
    expect((await ask(url, CHEAP, from(other, bearer(agent.token)))).rate).toMatchObject({ limit: LIMITS.user, used: 2 });
    expect((await ask(url, CHEAP, from(other, bearer(token)))).rate).toMatchObject({ limit: LIMITS.client, used: 2 });
    expect((await ask(url, CHEAP, from(userAddress))).rate).toMatchObject({ limit: LIMITS.anonymous, used: 1 });
    expect([await stored(addressKey(clientAddress)), await stored(addressKey(other))]).toEqual([null, null]);
    // The admin's mutation (createApiClient) spent the admin's budget, not the agent's.
    expect((await ask(url, CHEAP, from(other, bearer(admin.token)))).rate).toMatchObject({ limit: LIMITS.user, used: 5 + 1 });
  });

  test('past the budget: 429 TOO_MANY_REQUESTS with Retry-After, and the operation does not run', async () => {
    const client = address();
    const pagePoints = points(PAGE);
    let answer = await ask(url, PAGE, from(client));
    while (answer.rate!.remaining >= 5 + pagePoints) answer = await ask(url, PAGE, from(client));
    // Fewer than 5 points left (a mutation's), at least one.
    while (answer.rate!.remaining >= 5) answer = await ask(url, CHEAP, from(client));
    const left = answer.rate!.remaining;
    expect(left).toBeGreaterThanOrEqual(1);

    const email = `limite-${run}@numerique.gouv.fr`;
    const refused = await ask(url, REGISTER, from(client), { email });
    expect(refused.status).toBe(429);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toEqual([
      { message: expect.stringMatching(/^Limite de requêtes atteinte : cette requête coûte 5 points, il en reste \d+ sur 100/), extensions: expect.objectContaining({ code: 'TOO_MANY_REQUESTS', points: 5, remaining: left, limit: LIMITS.anonymous }) },
    ]);
    expect(refused.rate).toMatchObject({ remaining: left, used: LIMITS.anonymous - left, reset: answer.rate!.reset });
    const untilReset = answer.rate!.reset - Date.now() / 1000;
    expect(refused.retryAfter).toBeGreaterThanOrEqual(Math.floor(untilReset) - 5);
    expect(refused.retryAfter).toBeLessThanOrEqual(Math.ceil(untilReset) + 1);
    // Nothing ran: no account, no mail; and the refused points were not spent.
    expect(await api.sql('SELECT id FROM user_account WHERE email = $1', [email])).toEqual([]);
    expect(await api.sql(`SELECT id FROM outbox_message WHERE payload->>'to' = $1`, [email])).toEqual([]);
    expect(await stored(addressKey(client))).toMatchObject({ spent: LIMITS.anonymous - left });

    // What still fits passes; then nothing does, whatever it costs.
    for (let point = 0; point < left; point++) expect((await ask(url, CHEAP, from(client))).status).toBe(200);
    const empty = await ask(url, CHEAP, from(client));
    expect(empty.status).toBe(429);
    expect(empty.body.errors?.[0].extensions?.code).toBe('TOO_MANY_REQUESTS');
    expect(empty.rate).toMatchObject({ remaining: 0, used: LIMITS.anonymous });
    expect(empty.retryAfter).toBeGreaterThan(0);
  });

  test('the window ends: the budget starts afresh', async () => {
    const client = address();
    let answer = await ask(url, PAGE, from(client));
    while (answer.status === 200) answer = await ask(url, PAGE, from(client));
    expect(answer.status).toBe(429);
    // The window's end, brought to now.
    if (store === 'Redis') await redis.pexpire(RATE_KEY_PREFIX + addressKey(client), 1);
    else await api.sql(`UPDATE rate_budget SET window_ends = now() WHERE key = $1`, [addressKey(client)]);
    await new Promise(resolve => setTimeout(resolve, 5)); // past that millisecond
    const before = Math.floor(Date.now() / 1000);
    const fresh = await ask(url, LOGOUT, from(client));
    expect(fresh.status).toBe(200);
    expect(fresh.rate).toMatchObject({ used: 5, remaining: LIMITS.anonymous - 5 });
    expect(fresh.rate!.reset).toBeGreaterThanOrEqual(before + WINDOW_SECONDS - 5);
  });

  test('behind a trusted proxy, the address the proxy appended pays, not what the client wrote before it', async () => {
    const [forged, client1, client2] = [address(), address(), address()];
    await ask(url, CHEAP, { 'x-forwarded-for': `${forged}, ${client1}` });
    await ask(url, CHEAP, { 'x-forwarded-for': `${forged}, ${client2}` });
    expect((await ask(url, CHEAP, { 'x-forwarded-for': `${forged}, ${client1}` })).rate).toMatchObject({ used: 2 });
    expect([await stored(addressKey(client1)), await stored(addressKey(client2)), await stored(addressKey(forged))]).toEqual([
      expect.objectContaining({ spent: 2 }),
      expect.objectContaining({ spent: 1 }),
      null,
    ]);
  });

  test('an IPv6 /64 is one client: its addresses share a budget, the next /64 has its own', async () => {
    const [net, next] = [network(), network()];
    expect((await ask(url, CHEAP, from(`${net}::1`))).rate).toMatchObject({ used: 1 });
    expect((await ask(url, CHEAP, from(`${net}:ffff:ffff:ffff:fffe`))).rate).toMatchObject({ used: 2 });
    expect((await ask(url, CHEAP, from(`${next}::1`))).rate).toMatchObject({ used: 1 });
    expect(await stored(addressKey(`${net}::1`))).toMatchObject({ spent: 2 });
  });

  test('plain HTTP routes spend from the same budget (1 point unless they say), with the same headers; probes spend nothing', async () => {
    const client = address();
    const get = (path: string) => fetch(new URL(path, url), { headers: from(client) });
    const pdf = await get('/attestations/INCONNU.pdf');
    expect(pdf.status).toBe(404);
    expect([pdf.headers.get('x-ratelimit-limit'), pdf.headers.get('x-ratelimit-used')]).toEqual([String(LIMITS.anonymous), '1']);
    expect((await get('/healthz')).headers.get('x-ratelimit-used')).toBeNull();
    expect((await get('/readyz')).headers.get('x-ratelimit-used')).toBeNull();
    expect((await ask(url, CHEAP, from(client))).rate!.used).toBe(2);
    // A night's CSV costs 10, even refused for want of a token.
    const csv = await get('/hr/records.csv?partner=maa');
    expect(csv.status).toBe(401);
    expect(csv.headers.get('x-ratelimit-used')).toBe('12');

    // The rest of the budget, a point a request (bounded: a limiter that never refuses fails here, not at the timeout).
    let answer = await get('/attestations/INCONNU.pdf');
    for (let asked = 1; answer.status === 404 && asked <= LIMITS.anonymous; asked++) {
      await answer.arrayBuffer();
      answer = await get('/attestations/INCONNU.pdf');
    }
    expect(answer.status).toBe(429);
    expect(await answer.json()).toEqual({ error: { code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/^Limite de requêtes atteinte/) } });
    expect(answer.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('on a plain route, a signed-in caller pays from its own budget; a token that does not verify leaves the address to pay, and is refused', async () => {
    const client = address();
    const [agent] = await agents(api, 1);
    const pdf = (headers: Record<string, string>) => fetch(new URL('/attestations/INCONNU.pdf', url), { headers: from(client, headers) });
    const signedIn = await pdf(bearer(agent.token));
    expect(signedIn.status).toBe(404);
    expect([signedIn.headers.get('x-ratelimit-limit'), signedIn.headers.get('x-ratelimit-used')]).toEqual([String(LIMITS.user), '1']);
    await signedIn.arrayBuffer();
    expect(await stored(addressKey(client))).toBeNull();
    const forged = await fetch(new URL('/hr/records.csv?partner=maa', url), { headers: from(client, bearer('pas.un.jeton')) });
    expect(forged.status).toBe(401);
    expect([forged.headers.get('x-ratelimit-limit'), forged.headers.get('x-ratelimit-used')]).toEqual([String(LIMITS.anonymous), '10']);
    await forged.arrayBuffer();
    expect(await stored(addressKey(client))).toMatchObject({ spent: 10 });
  });

  // The response cache needs a PostgreSQL server (no notifications on PGlite).
  onSharedServer('with the response cache', () => {
    test('a cached answer costs 1 point, and its x-ratelimit headers are the caller’s own, not the cached ones', async () => {
      const [first, second] = [address(), address()];
      // The alias keeps another run's cached answer (in a shared Redis) out of this one.
      const query = `{ r${run}: trainings(first: 4, orderBy: NEWEST) { edges { node { slug } } } }`;
      const miss = await ask(url, query, from(first));
      const hit = await ask(url, query, from(second));
      expect([miss.cache, hit.cache]).toEqual(['miss', 'hit']);
      expect(miss.rate!.used).toBe(points(query));
      expect(points(query)).toBeGreaterThan(1);
      expect(hit.rate).toMatchObject({ used: 1, remaining: LIMITS.anonymous - 1 });
      // A hit sends no SQL for its answer; its accounting, one upsert in PostgreSQL, none with Redis.
      expect([hit.statements, hit.rateStatements]).toEqual([0, store === 'Redis' ? 0 : 1]);
      if (store === 'Redis') expect(await api.sql('SELECT key FROM rate_budget')).toEqual([]);
    });

    test('past the budget, a cached answer is refused too', async () => {
      const client = address();
      const query = `{ r${run}: trainings(first: 3, orderBy: TITLE) { edges { node { slug } } } }`;
      await ask(url, query, from(address())); // cached
      let answer = await ask(url, query, from(client));
      expect(answer.cache).toBe('hit');
      while (answer.status === 200) answer = await ask(url, query, from(client));
      expect(answer.status).toBe(429);
      expect(answer.body).toEqual({ errors: [{ message: expect.any(String), extensions: expect.objectContaining({ code: 'TOO_MANY_REQUESTS', points: 1 }) }] });
      expect(answer.rate).toMatchObject({ used: LIMITS.anonymous, remaining: 0 });
      expect(answer.retryAfter).toBeGreaterThan(0);
    });
  });
});

// Several processes need a PostgreSQL server; each store is shared by two real API processes.
onSharedServer('two API processes', () => {
  const BUDGET = 12;
  let cluster: ApiProcesses;
  let urls: Record<'PostgreSQL' | 'Redis', string[]>;

  beforeAll(async () => {
    const env = { TRUST_PROXY: '1', RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: String(BUDGET) };
    cluster = await startApiProcesses([env, env, { ...env, REDIS_URL }, { ...env, REDIS_URL }]);
    urls = { PostgreSQL: cluster.urls.slice(0, 2), Redis: cluster.urls.slice(2) };
  }, 120_000);
  afterAll(() => cluster?.remove());

  test.each(['PostgreSQL', 'Redis'] as const)('share one budget through %s: in turn, then racing', async store => {
    const [one, two] = urls[store];
    const inTurn = address();
    const used: number[] = [];
    for (let request = 0; request < 4; request++) used.push((await ask(request % 2 ? two : one, CHEAP, from(inTurn))).rate!.used);
    expect(used).toEqual([1, 2, 3, 4]);

    // BUDGET + 8 requests at once, half through each process: exactly BUDGET pass.
    const racing = address();
    const answers = await Promise.all(Array.from({ length: BUDGET + 8 }, (_, request) => ask(request % 2 ? two : one, CHEAP, from(racing))));
    expect(answers.filter(answer => answer.status === 200)).toHaveLength(BUDGET);
    expect(answers.filter(answer => answer.status === 429)).toHaveLength(8);
    expect(Math.max(...answers.map(answer => answer.rate!.used))).toBe(BUDGET);
    const { rows } = await cluster.sql.query('SELECT key, spent FROM rate_budget WHERE key = ANY($1) ORDER BY spent', [[addressKey(inTurn), addressKey(racing)]]);
    // With Redis nothing is counted in PostgreSQL.
    expect(rows).toEqual(store === 'Redis' ? [] : [{ key: addressKey(inTurn), spent: 4 }, { key: addressKey(racing), spent: BUDGET }]);
  });
});
