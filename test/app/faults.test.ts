import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { signAccessToken } from '../../src/auth/tokens';
import { fromGlobalId, toGlobalId } from '../../src/graphql/global-id';
import { spawnApi, whenReady } from '../support/processes';
import { startCluster, type PostgresCluster } from '../support/postgres-cluster';
import { eventually, TestSmtpServer } from '../support/smtp';
import { MAIL_CHANNEL } from '../../src/mail/mail';
import { statusOf } from '../support/http';

// Faults need a server of their own to slow, stop and restart: the PostgreSQL half of CI only.
const withServer = process.env.DATABASE_URL ? describe : describe.skip;
const JWT_SECRET = 'secret-des-essais-de-pannes-0123456789abcdefghij';
const ENROL = `mutation($s: ID!) { enrol(sessionId: $s) { enrolment { id status } userErrors { code } } }`;
/** What must never reach a client: SQL, driver messages, stacks. */
const LEAK = /\b(SELECT|INSERT|UPDATE|DELETE FROM|relation|syntax|ECONN\w+|terminat\w+|timeout exceeded|statement timeout|stack|at \S+ \()/i;

interface Answer {
  status: number;
  text: string;
  ms: number;
}

async function post(url: string, query: string, variables: object = {}, token?: string): Promise<Answer> {
  const started = Date.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(20_000), // a hang fails the test
  });
  return { status: response.status, text: await response.text(), ms: Date.now() - started };
}

/** Whether a refusal is as the contract wants it: a GraphQL error with this code, nothing internal. */
function isCleanError(answer: Answer, code: string): boolean {
  const body = JSON.parse(answer.text) as { errors?: { message: string; extensions?: { code?: string } }[] };
  return (body.errors ?? []).length > 0 && body.errors!.every(error => error.extensions?.code === code) && !LEAK.test(answer.text);
}

function expectCleanError(answer: Answer, code: string): void {
  if (!isCleanError(answer, code)) throw new Error(`not a clean ${code}: ${answer.status} ${answer.text}`);
}

/** Resolves once `condition` holds (checked every 10 ms), or fails after `ms`. */
async function until(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

withServer('faults: a slow database, a restarted database, SIGTERM under load', () => {
  let cluster: PostgresCluster;
  let dataDir: string;
  let api: ChildProcess;
  let url: string;
  let origin: string;
  let sql: Client;
  const env = () => ({ DATABASE_URL: cluster.url('mentor'), PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DEMO_DATA: 'true', JWT_SECRET });

  beforeAll(async () => {
    cluster = await startCluster();
    dataDir = await mkdtemp(path.join(tmpdir(), 'mentor-faults-'));
    await cluster.sql('CREATE DATABASE mentor');
    api = spawnApi({ ...env(), DATABASE_STATEMENT_TIMEOUT_MS: '1000' });
    if (process.env.DEBUG_FAULTS) api.stderr!.on('data', chunk => process.stderr.write(chunk));
    if (process.env.DEBUG_FAULTS) api.stdout!.on('data', chunk => process.stderr.write(chunk));
    url = await whenReady(api);
    origin = url.replace(/\/graphql$/, '');
    sql = new Client({ connectionString: cluster.url('mentor') });
    sql.on('error', () => undefined);
    await sql.connect();
  }, 60_000);
  afterAll(async () => {
    api?.kill('SIGKILL');
    await sql?.end().catch(() => undefined);
    await cluster?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('a slow hot path: requests end at statement_timeout with a clean error, /healthz still answers, the pool does not wedge', async () => {
    const SEARCH = 'query($q: String!) { trainings(search: $q) { totalCount } }';
    const [{ def }] = (await sql.query<{ def: string }>(`SELECT pg_get_functiondef('mentor_unaccent(text)'::regprocedure) AS def`)).rows;
    // Every search calls mentor_unaccent on the words: now it takes half a minute.
    await sql.query(`CREATE OR REPLACE FUNCTION mentor_unaccent(text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN PERFORM pg_sleep(30); RETURN $1; END $$`);
    try {
      // More requests than pooled connections (10): some wait for a connection, and give up as long.
      const slow = Array.from({ length: 14 }, (_, index) => post(url, SEARCH, { q: `management ${index}` }));
      const health = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2_000) });
      expect(health.status).toBe(200);
      const answers = await Promise.all(slow);
      for (const answer of answers) expectCleanError(answer, 'SERVICE_UNAVAILABLE');
      expect(Math.max(...answers.map(answer => answer.ms))).toBeLessThan(5_000);
      // Cancelled on the server too: nothing is left sleeping.
      const { rows: [{ sleeping }] } = await sql.query(`SELECT count(*)::int AS sleeping FROM pg_stat_activity WHERE datname = 'mentor' AND wait_event = 'PgSleep'`);
      expect(sleeping).toBe(0);
    } finally {
      await sql.query(def);
    }
    // At once, and as many again: every connection came back to the pool usable.
    const answers = await Promise.all(Array.from({ length: 14 }, (_, index) => post(url, SEARCH, { q: `management ${index}` })));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual({ data: { trainings: { totalCount: expect.any(Number) } } });
    }
  }, 30_000);

  test('PostgreSQL restarted during an enrolment load: /readyz 503 then 200, recovery without restart, every acknowledged enrolment kept, no session overbooked', async () => {
    const { rows: sessions } = await sql.query<{ id: string }>(`INSERT INTO training_session (training_id, starts_at, ends_at, enrolment_opens_at, enrolment_closes_at, capacity)
      SELECT id, now() + interval '10 days', now() + interval '11 days', now() - interval '1 day', now() + interval '9 days', 4
      FROM training WHERE status = 'PUBLISHED' AND cardinality(audience_partner_ids) = 0 AND cardinality(audience_categories) = 0
        AND cardinality(audience_functions) = 0 ORDER BY slug LIMIT 3 RETURNING id`);
    expect(sessions).toHaveLength(3);
    const { rows: users } = await sql.query<{ id: string }>(`INSERT INTO user_account (email, password_hash, display_name, category, email_verified)
      SELECT 'panne' || n || '@agriculture.gouv.fr', '!', 'Agent ' || n, 'A', true FROM generate_series(1, 60) AS n RETURNING id`);
    await sql.end(); // the restart would cut it
    const pending = users.map((user, index) => ({ token: signAccessToken(JWT_SECRET, user.id, []), session: toGlobalId('TrainingSession', sessions[index % 3].id) }));

    const readiness: (number | string)[] = [];
    let running = true;
    const seen = (status: number, after = 0) => readiness.slice(after).includes(status);
    const watcher = (async () => {
      while (running) {
        readiness.push(await statusOf(`${origin}/readyz`, { signal: AbortSignal.timeout(5_000) }).catch((error: Error) => error.message));
        await new Promise(resolve => setTimeout(resolve, 25));
      }
    })();

    const acknowledged: { id: string; status: string }[] = [];
    const unclean: string[] = [];
    let failures = 0;
    const worker = async () => {
      for (let next = pending.shift(); next && running; next = pending.shift()) {
        const answer = await post(url, ENROL, { s: next.session }, next.token).catch((error: Error) => ({ status: 0, text: `{"fetch":"${error.message}"}`, ms: 0 }));
        const enrolment = (JSON.parse(answer.text) as { data?: { enrol?: { enrolment: { id: string; status: string } | null } } }).data?.enrol?.enrolment;
        if (enrolment) {
          acknowledged.push(enrolment);
          continue;
        }
        if (!isCleanError(answer, 'SERVICE_UNAVAILABLE')) unclean.push(`${answer.status} ${answer.text}`);
        failures += 1;
        pending.push(next); // the agent tries again a moment later
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, worker));
    try {
      await until(() => acknowledged.length >= 12 && seen(200), 'the first enrolments');
      await cluster.halt(); // with requests in flight
      const outage = readiness.length;
      await until(() => seen(503, outage) && failures > 0, '503 and refused enrolments during the outage');
      await cluster.resume();
      const down = outage + readiness.slice(outage).indexOf(503);
      await until(() => seen(200, down), '/readyz back to 200');
      await until(() => acknowledged.length === 60, 'every agent enrolled', 30_000);
    } finally {
      running = false;
      await Promise.all([load, watcher]);
    }
    expect(unclean).toEqual([]);
    expect(acknowledged).toHaveLength(60);
    const check = new Client({ connectionString: cluster.url('mentor') });
    await check.connect();
    try {
      const ids = acknowledged.map(enrolment => fromGlobalId(enrolment.id)!.id);
      const { rows: [{ kept }] } = await check.query(`SELECT count(*)::int AS kept FROM enrolment WHERE id = ANY($1::uuid[]) AND status IN ('CONFIRMED', 'WAITLISTED')`, [ids]);
      expect(kept).toBe(new Set(ids).size);
      const { rows: perAgent } = await check.query(`SELECT user_id FROM enrolment WHERE session_id = ANY($1::uuid[]) GROUP BY user_id HAVING count(*) <> 1`, [sessions.map(session => session.id)]);
      expect(perAgent).toEqual([]);
      const { rows: seats } = await check.query(`SELECT s.capacity, s.seats_taken, s.waitlist_length,
          count(e.id) FILTER (WHERE e.status = 'CONFIRMED')::int AS confirmed, count(e.id) FILTER (WHERE e.status = 'WAITLISTED')::int AS waiting
        FROM training_session s LEFT JOIN enrolment e ON e.session_id = s.id WHERE s.id = ANY($1::uuid[]) GROUP BY s.id`, [sessions.map(session => session.id)]);
      expect(seats).toEqual(sessions.map(() => ({ capacity: 4, seats_taken: 4, waitlist_length: 16, confirmed: 4, waiting: 16 })));
    } finally {
      await check.end();
    }
  }, 60_000);

  test('SIGTERM under load: requests in flight finish, an idle kept-alive connection is closed, new ones are refused, mails being sent are cut short and kept, exit 0 within 10 s', async () => {
    api.kill('SIGTERM'); // the first process is done: this test starts one with the default statement_timeout
    // A mail server that takes messages and never answers: the sends under way at SIGTERM would last a minute.
    const smtp = await new TestSmtpServer().start();
    smtp.stalling = true;
    const second = spawnApi({ ...env(), MAIL_URL: smtp.url });
    const output: string[] = [];
    second.stdout!.on('data', chunk => output.push(String(chunk)));
    second.stderr!.on('data', chunk => output.push(String(chunk)));
    const exited = new Promise<number | null>(resolve => second.once('exit', code => resolve(code)));
    const lock = new Client({ connectionString: cluster.url('mentor') });
    lock.on('error', () => undefined);
    try {
      const secondUrl = await whenReady(second);
      const secondOrigin = secondUrl.replace(/\/graphql$/, '');
      const { port } = new URL(secondOrigin);
      // An idle kept-alive connection, as a load balancer or browser leaves them.
      const idle = connect(Number(port), '127.0.0.1');
      const idleClosed = new Promise<void>(resolve => idle.once('close', () => resolve()));
      const firstAnswer = new Promise<string>(resolve => idle.once('data', chunk => resolve(String(chunk))));
      idle.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
      expect(await firstAnswer).toMatch(/^HTTP\/1\.1 200/);

      // Mails being sent when the signal comes: claimed, handed to the stalled server.
      await lock.connect();
      const { rows: mails } = await lock.query<{ id: string }>(
        `INSERT INTO outbox_message (channel, payload)
         SELECT $1, jsonb_build_object('to', 'arret' || n || '@agriculture.gouv.fr', 'subject', 'Arrêt', 'text', 'Bonjour', 'html', '<p>Bonjour</p>') FROM generate_series(1, 3) AS n RETURNING id`,
        [MAIL_CHANNEL],
      );
      const mailIds = mails.map(mail => mail.id);
      await eventually(async () => (await lock.query(`SELECT 1 FROM outbox_message WHERE id = ANY($1) AND attempts = 1`, [mailIds])).rowCount === 3, 20_000);

      // Searches held in flight: mentor_unaccent takes 2 s a call for now.
      const [{ def }] = (await lock.query<{ def: string }>(`SELECT pg_get_functiondef('mentor_unaccent(text)'::regprocedure) AS def`)).rows;
      await lock.query(`CREATE OR REPLACE FUNCTION mentor_unaccent(text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN PERFORM pg_sleep(2); RETURN $1; END $$`);
      const inFlight = Array.from({ length: 8 }, (_, index) => post(secondUrl, 'query($q: String!) { trainings(search: $q) { totalCount } }', { q: `gestion ${index}` }));
      let sleeping = 0;
      const deadline = Date.now() + 10_000;
      while (sleeping < 8 && Date.now() < deadline) {
        sleeping = (await lock.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = 'mentor' AND wait_event = 'PgSleep'`)).rows[0].n;
      }
      expect(sleeping).toBe(8);
      await lock.query(def); // the calls under way keep sleeping; nothing new does
      const signalled = Date.now();
      second.kill('SIGTERM');
      await idleClosed;
      // The listening socket is closed: a new connection is refused.
      let refused = false;
      while (!refused && Date.now() - signalled < 5_000) {
        refused = await fetch(`${secondOrigin}/healthz`).then(() => false, () => true);
      }
      expect(refused).toBe(true);
      const answers = await Promise.all(inFlight);
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(JSON.parse(answer.text)).toEqual({ data: { trainings: { totalCount: expect.any(Number) } } });
      }
      expect(await exited).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(output.join('')).not.toMatch(/"level":(50|60)/); // no error logged on the way out (outbox loops, pool)
      // The mails cut short wait for a later attempt, by any process: none lost, none counted sent.
      const { rows: kept } = await lock.query(`SELECT DISTINCT status, last_error FROM outbox_message WHERE id = ANY($1)`, [mailIds]);
      expect(kept).toEqual([{ status: 'PENDING', last_error: 'the process stopped before the mail server took the message' }]);
    } finally {
      await lock.end().catch(() => undefined);
      second.kill('SIGKILL');
      await smtp.stop();
    }
  }, 60_000);
});
