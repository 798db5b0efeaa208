import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressObject } from 'mailparser';
import { Client } from 'pg';
import { signAccessToken } from '../../src/auth/tokens';
import { toGlobalId } from '../../src/graphql/global-id';
import { graphql, LoadStats, runFor } from '../support/load';
import { startNginx, type Nginx } from '../support/nginx';
import { spawnApi, stopProcess, whenReady } from '../support/processes';
import { eventually, TestSmtpServer } from '../support/smtp';
import { startCluster, type PostgresCluster } from '../support/postgres-cluster';
import { completer, enroller, IMPORT, importer, Mirror, reader, reviewer, searcher, sheet, WebhookEndpoint, type Agent, type EnrolmentLedger, type ImportAnswer, type TrainingCopy } from './scale-out-load';

/**
 * Three API processes behind nginx on one PostgreSQL, sharing Redis, mailing through one SMTP server,
 * under a mixed load for SCALE_OUT_SECONDS (default 60): anonymous catalogue reads and searches,
 * agents racing for a few small sessions and cancelling, two editors completing (attestations), a
 * partner's system importing its catalogue, both committees publishing, a webhook receiver and a
 * mirror following the change feed. Afterwards, once the outbox is empty, the database must hold
 * what every actor was told, and nothing twice. A summary of throughput and errors is printed.
 */
const onSharedServer = process.env.DATABASE_URL ? test : test.skip;
const SECONDS = Number(process.env.SCALE_OUT_SECONDS ?? 60);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const JWT_SECRET = 'secret-partagé-des-trois-processus-derrière-nginx-0123456789';
const AGENTS = 150;
const RACING_SESSIONS = 8;
const SESSION_EVENTS = ['SESSION_CREATED', 'SESSION_UPDATED', 'SESSION_CANCELLED'];
const EVENT_TYPES = ['TRAINING_PUBLISHED', 'TRAINING_UPDATED', 'TRAINING_ARCHIVED', ...SESSION_EVENTS];

/** A GraphQL POST from a given loopback address, with extra headers: what the API makes of the client's address behind nginx. */
function postFrom(localAddress: string, url: string, query: string, headers: Record<string, string> = {}): Promise<Record<string, string | string[] | undefined>> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', ...headers } }, response => {
      response.resume();
      response.on('end', () => resolve(response.headers));
    });
    request.on('error', reject);
    request.end(JSON.stringify({ query }));
  });
}

onSharedServer(
  `three API processes behind nginx under a mixed load for ${SECONDS} s: nothing overbooked, lost or done twice`,
  async () => {
    // A server of its own: a minute of overlapping writes would hold back the feed's and HR records'
    // horizons (transaction ids are the server's) of the test files running beside it on the shared one.
    const cluster: PostgresCluster = await startCluster();
    const database = { url: cluster.url() };
    const dataDir = await mkdtemp(path.join(tmpdir(), 'mentor-scale-out-'));
    const smtp = await new TestSmtpServer().start();
    const endpoint = await new WebhookEndpoint().start();
    // A second subscriber, to the sessions' events only: each webhook gets its own events, once.
    const sessionsOnly = await new WebhookEndpoint().start();
    const children: ChildProcess[] = [];
    const logs: string[] = [];
    let nginx: Nginx | null = null;
    const sql = new Client({ connectionString: database.url });
    try {
      const env = {
        DATABASE_URL: database.url, PORT: '0', DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'warn', DEMO_DATA: 'true', JWT_SECRET,
        REDIS_URL, MAIL_URL: smtp.url, TRUST_PROXY: '1', AUTH_RATE_LIMIT_PER_MINUTE: '100000',
        // Budgets the load does not reach, still counted (the check of TRUST_PROXY below reads them).
        RATE_LIMIT_USER_POINTS_PER_HOUR: '100000000', RATE_LIMIT_CLIENT_POINTS_PER_HOUR: '100000000', RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: '100000000',
      };
      const spawnOne = async () => {
        const child = spawnApi(env);
        children.push(child);
        child.stdout!.on('data', chunk => logs.push(...String(chunk).split('\n').filter(Boolean)));
        child.stderr!.on('data', chunk => logs.push(...String(chunk).split('\n').filter(Boolean)));
        return Number(new URL(await whenReady(child, 120_000)).port);
      };
      // The first migrates, loads the demo catalogue and writes the development keys in DATA_DIR; then the others.
      const first = await spawnOne();
      const ports = [first, ...(await Promise.all([spawnOne(), spawnOne()]))];
      nginx = await startNginx(ports);
      const url = `${nginx.origin}/graphql`;
      await sql.connect();

      // Behind nginx the API counts each client's address (TRUST_PROXY=1), not nginx's, nor what a client claims.
      const address = () => `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
      const [a, b] = [address(), address()];
      const used = async (from: string, headers?: Record<string, string>) => Number((await postFrom(from, url, '{ me { id } }', headers))['x-ratelimit-used']);
      const firstOfA = await used(a);
      expect(firstOfA).toBeGreaterThan(0);
      expect([await used(a, { 'x-forwarded-for': '10.20.30.40' }), await used(b)]).toEqual([2 * firstOfA, firstOfA]);

      // People, straight into the database (no password to hash), with tokens signed by the processes' secret.
      const person = async (email: string, roles: [string, string | null][]) => {
        const { rows: [user] } = await sql.query(`INSERT INTO user_account (email, password_hash, display_name, employer_id, category, email_verified)
          VALUES ($1, '!', $1, (SELECT id FROM partner WHERE $2 = ANY(email_domains)), 'A', true) RETURNING id`, [email, email.split('@')[1]]);
        for (const [role, partner] of roles) {
          await sql.query(`INSERT INTO role_grant (user_id, role, partner_id) VALUES ($1, $2, (SELECT id FROM partner WHERE slug = $3))`, [user.id, role, partner]);
        }
        return signAccessToken(JWT_SECRET, user.id, []);
      };
      const admin = await person('admin.charge@numerique.gouv.fr', [['ADMIN', null]]);
      const editors = [await person('editeur.un@agriculture.gouv.fr', [['EDITOR', 'maa']]), await person('editeur.deux@agriculture.gouv.fr', [['EDITOR', 'maa']])];
      const committees = [
        { committee: 'EDITORIAL', token: await person('comite.editorial@numerique.gouv.fr', [['EDITORIAL_COMMITTEE', null]]) },
        { committee: 'TECHNICAL', token: await person('comite.technique@numerique.gouv.fr', [['TECHNICAL_COMMITTEE', null]]) },
      ];
      const { rows: agentRows } = await sql.query(`INSERT INTO user_account (email, password_hash, display_name, employer_id, category, email_verified)
        SELECT 'agent' || n || '@agriculture.gouv.fr', '!', 'Agent ' || n, (SELECT id FROM partner WHERE slug = 'maa'), 'A', true
        FROM generate_series(1, $1::int) AS n RETURNING id`, [AGENTS]);
      const agents: Agent[] = agentRows.map(row => ({ token: signAccessToken(JWT_SECRET, row.id, []), active: new Map() }));

      // The partner's system: an API client importing its catalogue; racing sessions of 2 to 6 seats.
      type Created = { createApiClient: { client: { clientId: string }; clientSecret: string } };
      const { createApiClient: created } = await graphql<Created>(url, `mutation { createApiClient(partner: "maa", name: "SI charge", scopes: ["catalogue:write"]) {
        client { clientId } clientSecret } }`, {}, admin);
      type Issued = { issueClientToken: { accessToken: string } };
      const { issueClientToken } = await graphql<Issued>(url, 'mutation($id: String!, $secret: String!) { issueClientToken(clientId: $id, clientSecret: $secret) { accessToken } }',
        { id: created.client.clientId, secret: created.clientSecret });
      const system = issueClientToken.accessToken;
      type WebhookCreated = { createWebhook: { secret: string; userErrors: object[] } };
      for (const [receiver, events] of [[endpoint, EVENT_TYPES], [sessionsOnly, SESSION_EVENTS]] as const) {
        const { createWebhook } = await graphql<WebhookCreated>(url, 'mutation($input: WebhookInput!) { createWebhook(input: $input) { secret userErrors { code } } }',
          { input: { partner: 'maa', url: receiver.url, events } }, admin);
        expect(createWebhook.userErrors).toEqual([]);
        receiver.secret = createWebhook.secret;
      }
      const { rows: [{ since }] } = await sql.query(`SELECT coalesce(max(id), 0) AS since FROM catalogue_change`);
      const sheets = Array.from({ length: RACING_SESSIONS }, (_, n) => sheet(n + 1, 2 + (n % 5)));
      const imported = await graphql<ImportAnswer>(url, IMPORT, { items: sheets }, system);
      expect(imported.importTrainings.created).toBe(RACING_SESSIONS);
      const stats = new LoadStats();
      while ((await sql.query(`SELECT 1 FROM training WHERE external_ref LIKE 'CHARGE-%' AND status <> 'PUBLISHED'`)).rowCount) await reviewer(url, stats, committees)();
      const { rows: racing } = await sql.query(`SELECT s.id FROM training_session s JOIN training t ON t.id = s.training_id
        WHERE t.external_ref LIKE 'CHARGE-%' AND s.external_ref = 'course'`);
      const sessions = racing.map(row => toGlobalId('TrainingSession', row.id));
      type Slugs = { trainings: { edges: { node: { slug: string } }[] } };
      const slugs = (await graphql<Slugs>(url, '{ trainings(first: 100) { edges { node { slug } } } }')).trainings.edges.map(edge => edge.node.slug);

      // The load.
      const ledger: EnrolmentLedger = { answered: new Map(), confirmed: [], cancelled: new Set(), completed: new Set() };
      const mirror = new Mirror(url, stats);
      stats.start();
      await runFor(SECONDS, [
        ...Array.from({ length: 3 }, () => reader(url, stats, slugs)),
        ...Array.from({ length: 2 }, () => searcher(url, stats)),
        ...Array.from({ length: 4 }, () => enroller(url, stats, agents, sessions, ledger)),
        ...editors.map(token => completer(url, stats, token, ledger)),
        importer(url, stats, system, sheets),
        reviewer(url, stats, committees),
        mirror.loop(),
      ]);
      stats.end();

      // Draining: the outbox empties (e-mails, webhook deliveries and their retries); the mirror catches up.
      const drainStarted = Date.now();
      await eventually(async () => (await sql.query(`SELECT 1 FROM outbox_message WHERE status = 'PENDING'`)).rowCount === 0, 120_000);
      const drainSeconds = (Date.now() - drainStarted) / 1000;
      const { rows: [{ events }] } = await sql.query(`SELECT count(*)::int AS events FROM catalogue_change`);
      await eventually(async () => (await mirror.poll()) === 0 && mirror.events === events, 60_000);

      // Measured row sizes (tuple bytes, indexes aside), for docs/capacity.md.
      const { rows: [sizes] } = await sql.query(`SELECT
        (SELECT round(avg(pg_column_size(a.*))) FROM attestation a) AS attestation, (SELECT round(avg(pg_column_size(e.*))) FROM enrolment e) AS enrolment,
        (SELECT round(avg(pg_column_size(m.*))) FROM outbox_message m WHERE channel = 'mail') AS mail,
        (SELECT round(avg(pg_column_size(m.*))) FROM outbox_message m WHERE channel = 'webhook') AS webhook_message,
        (SELECT round(avg(pg_column_size(d.*))) FROM webhook_delivery d) AS webhook_delivery, (SELECT round(avg(pg_column_size(w.*))) FROM webhook_attempt w) AS webhook_attempt,
        (SELECT round(avg(pg_column_size(c.*))) FROM catalogue_change c) AS catalogue_change, (SELECT round(avg(pg_column_size(u.*))) FROM audit_entry u) AS audit_entry`);
      const upstreams = await nginx.upstreams();
      const perProcess = ports.map(port => upstreams.filter(upstream => upstream === `127.0.0.1:${port}`).length);
      const problems = logs.filter(line => /"level":(50|60)/.test(line));
      console.log(`Scale-out load: 3 API processes behind nginx, ${SECONDS} s, 14 concurrent clients (machine shared)\n${stats.summary()}\n` +
        `requests per process (nginx): ${perProcess.join(' / ')}; drained in ${drainSeconds.toFixed(1)} s; ` +
        `${smtp.received.length} e-mails; ${endpoint.applied.size} webhook events (${endpoint.refusedOnce.size} retried after a 503, ${endpoint.repeats} repeats); ` +
        `${mirror.copy.size} trainings mirrored from ${mirror.events} events; ${problems.length} error logs\n` +
        `average row bytes: ${Object.entries(sizes).map(([table, bytes]) => `${table} ${bytes}`).join(', ')}`);
      if (problems.length > 0) console.log(`error logs of the API processes:\n${problems.slice(0, 10).map(line => line.slice(0, 2_000)).join('\n')}`);
      expect(stats.errors()).toEqual({});
      expect(problems).toEqual([]);
      expect(perProcess.every(count => count > 0)).toBe(true);
      // The load did what it is meant to: every kind of operation succeeded many times.
      for (const operation of ['catalogue page', 'training sheet', 'search', 'enrol', 'cancelEnrolment', 'completeEnrolment', 'importTrainings', 'reviewTraining', 'catalogueChanges']) {
        expect([operation, stats.count(operation).ok > 0]).toEqual([operation, true]);
      }

      // No session overbooked; counters equal the rows; the line dense, and empty while a seat is free.
      const { rows: seats } = await sql.query(`SELECT s.id, s.capacity, s.seats_taken, s.waitlist_length,
          count(e.id) FILTER (WHERE e.status IN ('CONFIRMED', 'COMPLETED'))::int AS taken,
          count(e.id) FILTER (WHERE e.status = 'WAITLISTED')::int AS waiting,
          coalesce(array_agg(e.waitlist_position ORDER BY e.waitlist_position) FILTER (WHERE e.status = 'WAITLISTED'), '{}') AS positions
        FROM training_session s LEFT JOIN enrolment e ON e.session_id = s.id WHERE s.id = ANY($1::uuid[]) GROUP BY s.id`, [racing.map(row => row.id)]);
      for (const session of seats) {
        expect(session.taken).toBeLessThanOrEqual(session.capacity);
        expect([session.seats_taken, session.waitlist_length]).toEqual([session.taken, session.waiting]);
        expect(session.positions).toEqual(Array.from({ length: session.waiting }, (_, i) => i + 1));
        if (session.taken < session.capacity) expect(session.waiting).toBe(0);
      }
      expect(seats.reduce((sum, session) => sum + session.taken, 0)).toBeGreaterThan(0);
      const { rows: [{ twice }] } = await sql.query(`SELECT count(*)::int AS twice FROM (SELECT 1 FROM enrolment WHERE status <> 'CANCELLED' GROUP BY user_id, session_id HAVING count(*) > 1) doubled`);
      expect(twice).toBe(0);

      // Every enrolment, cancellation and completion acknowledged is in the database; one attestation per completion.
      const { rows: enrolments } = await sql.query(`SELECT e.id, e.status, count(a.id)::int AS attestations FROM enrolment e LEFT JOIN attestation a ON a.enrolment_id = e.id
        WHERE e.session_id IN (SELECT id FROM training_session WHERE external_ref = 'course') GROUP BY e.id`);
      const status = new Map(enrolments.map(row => [toGlobalId('Enrolment', row.id), row.status]));
      expect([...ledger.answered.keys()].filter(id => !status.has(id))).toEqual([]);
      expect([...ledger.cancelled].filter(id => status.get(id) !== 'CANCELLED')).toEqual([]);
      expect([...ledger.completed].filter(id => status.get(id) !== 'COMPLETED')).toEqual([]);
      expect(enrolments.filter(row => row.attestations !== (row.status === 'COMPLETED' ? 1 : 0))).toEqual([]);
      const completedInDatabase = enrolments.filter(row => row.status === 'COMPLETED').length;
      // A completion whose answer was lost (an error) may be in the database without the editor knowing.
      expect(completedInDatabase - ledger.completed.size).toBeGreaterThanOrEqual(0);
      expect(completedInDatabase - ledger.completed.size).toBeLessThanOrEqual(stats.count('completeEnrolment').errors);

      // Every event since the webhook was created was delivered, signed, and applied once.
      const { rows: changes } = await sql.query(`SELECT id::text, type FROM catalogue_change WHERE id > $1 ORDER BY id`, [since]);
      const sessionChanges = changes.filter(change => SESSION_EVENTS.includes(change.type));
      expect(sessionChanges.length).toBeGreaterThan(0);
      expect(sessionsOnly.forged).toBe(0);
      expect([...sessionsOnly.applied.keys()].sort()).toEqual(sessionChanges.map(row => row.id).sort());
      expect(sessionsOnly.repeats).toBe(0);
      expect(changes.length).toBeGreaterThan(0);
      expect(endpoint.forged).toBe(0);
      expect([...endpoint.applied.keys()].sort()).toEqual(changes.map(row => row.id).sort());
      // Applied once each: a second delivery of an event (same webhook-id) would count as a repeat.
      expect(endpoint.repeats).toBe(0);
      expect([...endpoint.refusedOnce].every(id => endpoint.received.get(id)! >= 2)).toBe(true);
      const { rows: [deliveries] } = await sql.query(`SELECT count(*) FILTER (WHERE m.status = 'SENT')::int AS sent, count(*)::int AS total
        FROM webhook_delivery d JOIN outbox_message m ON m.id = d.outbox_message_id`);
      expect(deliveries).toEqual({ sent: changes.length + sessionChanges.length, total: changes.length + sessionChanges.length });

      // The mirror equals the published catalogue (seat counts aside: they are not catalogue events).
      const { rows: published } = await sql.query(`SELECT id, slug, title, summary FROM training WHERE status = 'PUBLISHED'`);
      const { rows: publishedSessions } = await sql.query(`SELECT s.id, s.training_id, s.starts_at, s.ends_at, s.capacity, s.location, s.cancelled
        FROM training_session s JOIN training t ON t.id = s.training_id AND t.status = 'PUBLISHED'`);
      const catalogue = new Map<string, TrainingCopy>(published.map(row => [toGlobalId('Training', row.id), { slug: row.slug, title: row.title, summary: row.summary, sessions: [] }]));
      for (const row of publishedSessions) {
        catalogue.get(toGlobalId('Training', row.training_id))!.sessions.push({
          id: toGlobalId('TrainingSession', row.id), startsAt: row.starts_at.toISOString(), endsAt: row.ends_at.toISOString(),
          capacity: row.capacity, location: row.location, cancelled: row.cancelled,
        });
      }
      for (const copy of catalogue.values()) copy.sessions.sort((x, y) => x.id.localeCompare(y.id));
      const sorted = (map: Map<string, TrainingCopy>) => [...map].sort(([x], [y]) => x.localeCompare(y));
      expect(sorted(mirror.copy)).toEqual(sorted(catalogue));

      // No e-mail sent twice: one message per outbox row, to its recipient with its subject.
      const { rows: mails } = await sql.query(`SELECT id::text, status, payload->>'to' AS to, payload->>'subject' AS subject FROM outbox_message WHERE channel = 'mail'`);
      expect(mails.filter(mail => mail.status !== 'SENT')).toEqual([]);
      const messageIds = smtp.received.map(mail => /^<outbox-(\d+)@/.exec(mail.messageId ?? '')?.[1] ?? mail.messageId);
      expect(new Set(messageIds).size).toBe(messageIds.length);
      expect([...messageIds].sort()).toEqual(mails.map(mail => mail.id).sort());
      const sent = new Map(mails.map(mail => [mail.id, `${mail.to} ${mail.subject}`]));
      expect(smtp.received.filter((mail, i) => sent.get(messageIds[i]!) !== `${(mail.to as AddressObject).value[0].address} ${mail.subject}`)).toEqual([]);
      expect(mails.length).toBeGreaterThanOrEqual(ledger.answered.size + ledger.completed.size);

      await nginx.stop();
      expect(await Promise.all(children.map(stopProcess))).toEqual([0, 0, 0]);
    } finally {
      await nginx?.stop();
      children.forEach(child => child.kill('SIGKILL'));
      await sql.end().catch(() => undefined);
      await Promise.all([smtp.stop(), endpoint.stop(), sessionsOnly.stop()]);
      await cluster.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
  (SECONDS + 300) * 1000,
);
