import { Client } from 'pg';
import { HASHING_QUEUE, HASHING_SLOTS, HASHING_WAIT_MS, hashPassword, hashingLoad } from '../../src/auth/passwords';
import { ADMIN, ADMIN_ENV, login, register } from '../support/people';
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
  // The API runs in this process: its hashing slots are watched while the flood lasts.
  const seen = { busy: 0, waiting: 0 };
  const watch = setInterval(() => {
    const { busy, waiting } = hashingLoad();
    seen.busy = Math.max(seen.busy, busy);
    seen.waiting = Math.max(seen.waiting, waiting);
  }, 2);
  const codes = await flood().finally(() => clearInterval(watch));
  const elapsed = Date.now() - started;
  const refused = codes.filter(code => code === 'TOO_MANY_REQUESTS').length;
  const checked = codes.filter(code => code === 'INVALID_CREDENTIALS').length;
  expect(refused + checked).toBe(FLOOD);
  // Never more hashes at once than the slots, nor more waiting than the line holds: the rest are
  // refused without a hash. (How many get one in all depends on how spread out they arrive.)
  expect(seen.busy).toBe(HASHING_SLOTS);
  expect(seen.waiting).toBeGreaterThan(0);
  expect(seen.waiting).toBeLessThanOrEqual(HASHING_QUEUE);
  expect(checked).toBeGreaterThanOrEqual(HASHING_SLOTS);
  expect(refused).toBeGreaterThan(0);
  // Nobody queues behind the flood: the waiting is bounded (HASHING_WAIT_MS) and so is the whole.
  expect(elapsed).toBeLessThan(HASHING_WAIT_MS + 20_000);
  // Once it is over, a real sign-in goes through.
  const email = `apres.inondation.${Date.now()}@agriculture.gouv.fr`;
  await register(api, email);
  expect((await login(api, email)).token).toEqual(expect.any(String));
});

/** How long (ms) a transaction was seen idle, at most, on the test database while `work` ran: sampled every 20 ms. */
async function longestIdleTransactionDuring(work: () => Promise<unknown>): Promise<number> {
  const monitor = new Client({ connectionString: api.database.url });
  await monitor.connect();
  const database = new URL(api.database.url).pathname.slice(1);
  let sampling = true;
  const idle: number[] = [];
  const sample = (async () => {
    while (sampling) {
      const { rows } = await monitor.query(
        `SELECT coalesce(max(extract(epoch FROM clock_timestamp() - state_change) * 1000), 0)::int AS ms
         FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%'`,
        [database],
      );
      idle.push(rows[0].ms);
      await new Promise(resolve => setTimeout(resolve, 20));
    }
  })();
  try {
    await work();
  } finally {
    sampling = false;
    await sample;
    await monitor.end();
  }
  expect(idle.length).toBeGreaterThan(5);
  return Math.max(...idle);
}

// PGlite has one session for every connection: pg_stat_activity says nothing there.
const onPostgres = process.env.DATABASE_URL ? test : test.skip;

onPostgres('no transaction is held open while passwords are hashed', async () => {
  expect(await longestIdleTransactionDuring(flood)).toBe(0);
});

onPostgres('nor while the ADMIN_EMAIL bootstrap hashes ADMIN_PASSWORD at start', async () => {
  const restart = async () => {
    const second = await startTestApp({ DATABASE_URL: api.database.url, DEMO_DATA: 'false', PASSWORD_HASHING: 'standard', ...ADMIN_ENV });
    await second.stop();
  };
  // A start's transactions pause a few milliseconds between statements: far less than a standard
  // hash, measured here on the same machine under the same load.
  const hashing = performance.now();
  await hashPassword('une phrase de passe pour mesurer');
  const hashMs = performance.now() - hashing;
  expect(await longestIdleTransactionDuring(restart)).toBeLessThan(hashMs / 2);
  expect(await api.sql(`SELECT u.email FROM user_account u JOIN role_grant g ON g.user_id = u.id WHERE g.role = 'ADMIN'`)).toEqual([{ email: ADMIN.email }]);
});
