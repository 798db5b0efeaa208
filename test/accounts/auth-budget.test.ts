import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Secret-checking operations spend a budget per client address and minute, shared by every
 * process (PostgreSQL); X-Forwarded-For counts only as far as TRUST_PROXY allows.
 */
const LOGIN = 'mutation($email: String!) { login(email: $email, password: "pas le bon mot de passe") { userErrors { code } } }';

async function codes(api: TestApp, email: string, headers: Record<string, string> = {}): Promise<string[]> {
  const { body } = await api.gql<{ login: { userErrors: { code: string }[] } }>(LOGIN, { email }, headers);
  return body.data!.login.userErrors.map(error => error.code);
}

describe('without a trusted proxy', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await startTestApp({ DEMO_DATA: 'false', AUTH_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => api.stop());

  test('past the budget a sign-in is TOO_MANY_REQUESTS, whatever the address or X-Forwarded-For given', async () => {
    const outcomes = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      // A different address each time (the per-address lockout is another rule) and a forged forwarding header.
      outcomes.push(await codes(api, `essai${attempt}@numerique.gouv.fr`, { 'x-forwarded-for': `203.0.113.${attempt}` }));
    }
    // The budget is per minute: if the attempts straddled the turn of a minute, each minute has its own 3.
    const minutes = await api.sql<{ attempts: number }>(`SELECT attempts FROM auth_rate ORDER BY minute`);
    expect(minutes.reduce((sum, row) => sum + row.attempts, 0)).toBe(5); // one address: the forged header did not count
    const expected = minutes.flatMap(({ attempts }) =>
      Array.from({ length: attempts }, (_, index) => [index < 3 ? 'INVALID_CREDENTIALS' : 'TOO_MANY_REQUESTS']),
    );
    expect(outcomes).toEqual(expected);
  });
});

describe('behind one trusted proxy (TRUST_PROXY=1)', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await startTestApp({ DEMO_DATA: 'false', AUTH_RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '1' });
  });
  afterAll(() => api.stop());

  test('each client address has its own budget: the address the proxy appended, not what the client wrote before it', async () => {
    const from = (client: string, forged = '198.51.100.1') => ({ 'x-forwarded-for': `${forged}, ${client}` });
    const first = [await codes(api, 'a1@numerique.gouv.fr', from('192.0.2.10', '1.1.1.1')), await codes(api, 'a2@numerique.gouv.fr', from('192.0.2.10', '2.2.2.2'))];
    const second = [await codes(api, 'b1@numerique.gouv.fr', from('192.0.2.20')), await codes(api, 'b2@numerique.gouv.fr', from('192.0.2.20'))];
    expect([...first, ...second]).toEqual([['INVALID_CREDENTIALS'], ['INVALID_CREDENTIALS'], ['INVALID_CREDENTIALS'], ['INVALID_CREDENTIALS']]);
    // Two budgets (the two client addresses), not four (the forged entries before them).
    expect(await api.sql(`SELECT count(DISTINCT address_hash)::int AS addresses, sum(attempts)::int AS attempts FROM auth_rate`)).toEqual([{ addresses: 2, attempts: 4 }]);
  });
});

describe('every secret-checking operation spends the same budget', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await startTestApp({ DEMO_DATA: 'false', AUTH_RATE_LIMIT_PER_MINUTE: '1' });
  });
  afterAll(() => api.stop());

  test('after a sign-in, register and issueClientToken are TOO_MANY_REQUESTS within the minute', async () => {
    const calls: [string, Record<string, unknown>][] = [
      [LOGIN, { email: 'premier@numerique.gouv.fr' }],
      [`mutation { register(input: { email: "second@numerique.gouv.fr", password: "Une phrase de passe solide", displayName: "Second" }) { userErrors { code } } }`, {}],
      [`mutation { issueClientToken(clientId: "inconnu", clientSecret: "x") { userErrors { code } } }`, {}],
    ];
    const outcomes: string[] = [];
    for (const [query, variables] of calls) {
      const { body } = await api.gql<Record<string, { userErrors: { code: string }[] }>>(query, variables);
      const [payload] = Object.values(body.data!);
      outcomes.push(payload.userErrors[0]?.code ?? 'OK');
    }
    // One call a minute: the first of each minute passes (a refused sign-in, a registration), the others are refused.
    const minutes = await api.sql<{ attempts: number }>(`SELECT attempts FROM auth_rate ORDER BY minute`);
    const firstOfMinute = minutes.flatMap(({ attempts }) => Array.from({ length: attempts }, (_, index) => index === 0));
    expect(outcomes.map((outcome, index) => (firstOfMinute[index] ? 'passed' : outcome))).toEqual(firstOfMinute.map(first => (first ? 'passed' : 'TOO_MANY_REQUESTS')));
    expect(firstOfMinute.filter(first => !first).length).toBeGreaterThanOrEqual(1);
  });
});
