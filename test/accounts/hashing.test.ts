import { Client } from 'pg';
import { HASHING_SLOTS, HASHING_WAIT_MS } from '../../src/auth/passwords';
import { login, register } from '../support/people';
import { startTestApp, type TestApp } from '../support/test-app';

let api: TestApp;
beforeAll(async () => {
  api = await startTestApp({ DEMO_DATA: 'false', PASSWORD_HASHING: 'standard' });
});
afterAll(() => api.stop());

const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { userErrors { code } } }`;
const FLOOD = 60;

/** `FLOOD` sign-ins at once, each on its own unknown address (so that no lockout interferes): their codes. */
async function flood(): Promise<string[]> {
  const answers = await Promise.all(
    Array.from({ length: FLOOD }, (_, index) => api.data<{ login: { userErrors: { code: string }[] } }>(LOGIN, { email: `inconnu${index}.${Date.now()}@agriculture.gouv.fr`, password: 'pas le bon mot de passe' })),
  );
  return answers.map(answer => answer.login.userErrors[0]?.code);
}

test('a flood of sign-ins: a bounded number hashed at once, the rest told TOO_MANY_REQUESTS at once or after a short wait', async () => {
  const started = Date.now();
  const codes = await flood();
  const elapsed = Date.now() - started;
  const refused = codes.filter(code => code === 'TOO_MANY_REQUESTS').length;
  const checked = codes.filter(code => code === 'INVALID_CREDENTIALS').length;
  expect(refused + checked).toBe(FLOOD);
  // At most the slots and the waiting line get a hash; everyone else is refused without one.
  expect(checked).toBeGreaterThanOrEqual(HASHING_SLOTS);
  expect(checked).toBeLessThanOrEqual(HASHING_SLOTS * 9);
  expect(refused).toBeGreaterThanOrEqual(FLOOD - HASHING_SLOTS * 9);
  // Nobody queues behind the flood: the waiting is bounded (HASHING_WAIT_MS) and so is the whole.
  expect(elapsed).toBeLessThan(HASHING_WAIT_MS + 20_000);
  // Once it is over, a real sign-in goes through.
  const email = `apres.inondation.${Date.now()}@agriculture.gouv.fr`;
  await register(api, email);
  expect((await login(api, email)).token).toEqual(expect.any(String));
});

// PGlite has one session for every connection: pg_stat_activity says nothing there.
(process.env.DATABASE_URL ? test : test.skip)('no transaction is held open while passwords are hashed', async () => {
  const monitor = new Client({ connectionString: api.database.url });
  await monitor.connect();
  const database = new URL(api.database.url).pathname.slice(1);
  let sampling = true;
  const held: number[] = [];
  const sample = (async () => {
    while (sampling) {
      const { rows } = await monitor.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%'`, [database]);
      held.push(rows[0].n);
      await new Promise(resolve => setTimeout(resolve, 20));
    }
  })();
  try {
    await flood();
  } finally {
    sampling = false;
    await sample;
    await monitor.end();
  }
  expect(held.length).toBeGreaterThan(10);
  expect(Math.max(...held)).toBe(0);
});
