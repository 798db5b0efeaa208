import { Writable } from 'node:stream';
import pino from 'pino';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createDraft, createSession, editorialTeam, publish } from '../support/editorial';
import { ADMIN_ENV, agents, bearer, PASSWORD } from '../support/people';
import { eventually, TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';
import { localId } from '../support/values';

const APP_URL = 'https://mentor.example.gouv.fr';
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } userErrors { code } } }`;

let smtp: TestSmtpServer;
let api: TestApp;
beforeAll(async () => {
  smtp = await new TestSmtpServer().start();
  api = await startTestApp({ ...ADMIN_ENV, MAIL_URL: smtp.url, APP_URL, MAIL_FROM: 'Mentor <ne-pas-repondre@mentor.example.gouv.fr>' });
});
afterAll(async () => {
  await api.stop();
  await smtp.stop();
});

let counter = 0;
const newAddress = () => `agent.courriel${++counter}.${process.pid}@agriculture.gouv.fr`;
const registerAs = (email: string, displayName = 'Camille Martin', password = PASSWORD) =>
  api.data<{ register: { userErrors: { code: string }[] } }>(REGISTER, { input: { email, password, displayName } });
const outboxOf = (email: string) =>
  api.sql<{ id: string; status: string; attempts: number; payload: Record<string, string>; last_error: string | null; retry_in: number }>(
    `SELECT id, status, attempts, payload, last_error, extract(epoch FROM next_attempt_at - now())::float AS retry_in
     FROM outbox_message WHERE payload->>'to' = $1 ORDER BY id`,
    [email],
  );

test('a registration mails a French verification link, in text and HTML, over SMTP; names stay text', async () => {
  const email = newAddress();
  expect((await registerAs(email, '<script>alert("x")</script> Dupont & fils')).register.userErrors).toEqual([]);
  const [mail] = await eventually(() => (smtp.to(email).length ? smtp.to(email) : null));
  expect(mail.subject).toBe('Confirmez votre adresse e-mail sur Mentor');
  expect(mail.from?.value).toEqual([{ address: 'ne-pas-repondre@mentor.example.gouv.fr', name: 'Mentor' }]);
  expect(mail.messageId).toMatch(/^<outbox-\d+@.+>$/);
  const link = mail.text!.match(/https:\/\/mentor\.example\.gouv\.fr\/verification\?token=([\w-]+)/);
  expect(link).not.toBeNull();
  expect(mail.text).toContain('Bonjour <script>alert("x")</script> Dupont & fils,');
  expect(mail.text).toContain('valable 48 heures');
  const html = String(mail.html);
  expect(html).toContain('<html lang="fr">');
  expect(html).toContain('Bonjour &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Dupont &amp; fils,');
  expect(html).not.toContain('<script>');
  expect(html).toContain(`href="${APP_URL}/verification?token=${link![1]}"`);
  // Only the token's hash is stored; once sent, the outbox keeps no body (which held the link).
  const [row] = await eventually(async () => ((await outboxOf(email))[0]?.status === 'SENT' ? outboxOf(email) : null));
  expect(row.payload).toEqual({ to: email, subject: 'Confirmez votre adresse e-mail sur Mentor' });
  const [{ stored }] = await api.sql(`SELECT count(*)::int AS stored FROM account_token WHERE token_hash = encode(sha256($1::bytea), 'hex')`, [link![1]]);
  expect(stored).toBe(1);
});

test('a password reset link and the warning to an address’s owner arrive over SMTP too', async () => {
  const email = newAddress();
  await registerAs(email);
  await registerAs(email, 'Quelqu’un d’autre');
  await api.data(`mutation($email: String!) { requestPasswordReset(email: $email) { requested } }`, { email });
  const mails = await eventually(() => (smtp.to(email).length === 3 ? smtp.to(email) : null));
  const subjects = mails.map(mail => mail.subject).sort();
  expect(subjects).toEqual(['Choisissez un nouveau mot de passe Mentor', 'Confirmez votre adresse e-mail sur Mentor', 'Tentative de création d’un compte Mentor avec votre adresse']);
  const reset = mails.find(mail => mail.subject === 'Choisissez un nouveau mot de passe Mentor')!;
  expect(reset.text).toMatch(new RegExp(`${APP_URL}/mot-de-passe\\?token=[\\w-]{43}`));
  expect(reset.text).toContain('valable 1 heure');
  expect(String(reset.html)).toContain(`href="${APP_URL}/mot-de-passe?token=`);
  const warning = mails.find(mail => mail.subject!.startsWith('Tentative'))!;
  expect(warning.text).toContain('Votre compte existe déjà : rien n’a été modifié.');
});

test('an enrolment confirmation arrives over SMTP in French, text and HTML, with the training’s title as text and its link', async () => {
  const title = 'Les bases du web : <script>alert("x")</script> & balises';
  const team = await editorialTeam(api);
  const training = await createDraft(api, team.editor.token, { title });
  await publish(api, team, training.id);
  const sessionId = await createSession(api, team.editor.token, training.id, { location: 'Paris, 78 rue de Varenne' });
  const [agent] = await agents(api, 1);
  const { enrol } = await api.data<{ enrol: { enrolment: { status: string } | null } }>(
    `mutation($sessionId: ID!) { enrol(sessionId: $sessionId) { enrolment { status } } }`,
    { sessionId },
    bearer(agent.token),
  );
  expect(enrol.enrolment?.status).toBe('CONFIRMED');
  const [{ email }] = await api.sql<{ email: string }>(`SELECT email FROM user_account WHERE id = $1`, [localId(agent.id)]);
  const [mail] = await eventually(() => (smtp.to(email).length ? smtp.to(email) : null));
  expect(mail.from?.value).toEqual([{ address: 'ne-pas-repondre@mentor.example.gouv.fr', name: 'Mentor' }]);
  expect(mail.to && !Array.isArray(mail.to) && mail.to.value).toEqual([{ address: email, name: '' }]);
  expect(mail.subject).toBe(`Inscription confirmée : ${title}`);
  const link = `${APP_URL}/formations/${training.slug}`;
  expect(mail.text).toMatch(/^Bonjour Agent 1 du lot \d+,/);
  expect(mail.text).toContain(`Votre inscription à la formation « ${title} » est confirmée.`);
  expect(mail.text).toContain(', Paris, 78 rue de Varenne.');
  expect(mail.text).toContain(link);
  const html = String(mail.html);
  expect(html).toContain('<html lang="fr">');
  expect(html).toContain('« Les bases du web : &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; balises » est confirmée.');
  expect(html).not.toContain('<script>');
  expect(html).toContain(`href="${link}"`);
});

test('a refused registration writes no mail', async () => {
  const email = newAddress();
  expect((await registerAs(email, 'Camille', 'court')).register.userErrors).toEqual([{ code: 'WEAK_PASSWORD' }]);
  expect(await outboxOf(email)).toEqual([]);
});

test('the server refusing, then down, then back: retried with growing delays, nothing lost, nothing sent twice', async () => {
  const email = newAddress();
  smtp.refusing = true;
  await registerAs(email);
  // The attempt's number is taken when it starts, its error written when it ends.
  const failed = async (attempts: number, error: RegExp) => {
    const rows = await outboxOf(email);
    return rows[0]?.attempts === attempts && error.test(rows[0].last_error ?? '') ? rows : null;
  };
  const [first] = await eventually(() => failed(1, /451/));
  expect(first).toMatchObject({ status: 'PENDING', last_error: expect.stringContaining('451') });
  expect(first.retry_in).toBeGreaterThan(5);
  // The delay has run out (moved to now rather than waited for): the second attempt finds the server down.
  await smtp.stop();
  smtp.refusing = false;
  await api.sql(`UPDATE outbox_message SET next_attempt_at = now() WHERE id = $1`, [first.id]);
  const [second] = await eventually(() => failed(2, /ECONNREFUSED|connect/i));
  expect(second).toMatchObject({ status: 'PENDING', last_error: expect.stringMatching(/ECONNREFUSED|connect/i) });
  expect(second.retry_in).toBeGreaterThan(first.retry_in);
  // Back up, and the delay run out again: delivered, once.
  await smtp.start();
  await api.sql(`UPDATE outbox_message SET next_attempt_at = now() WHERE id = $1`, [first.id]);
  await eventually(async () => (await outboxOf(email))[0]?.status === 'SENT');
  await new Promise(resolve => setTimeout(resolve, 2_500)); // a poll later, still once
  expect(smtp.to(email)).toHaveLength(1);
  expect((await outboxOf(email))[0]).toMatchObject({ status: 'SENT', attempts: 3, last_error: null });
});

test('two API processes on one database deliver each message once', async () => {
  const second = await startTestApp({ DATABASE_URL: api.database.url, MAIL_URL: smtp.url, APP_URL, DEMO_DATA: 'false' });
  try {
    const addresses = Array.from({ length: 40 }, newAddress);
    // Written as a transaction of the app would: both processes' senders compete for them.
    await api.sql(
      `INSERT INTO outbox_message (channel, payload)
       SELECT 'mail', jsonb_build_object('to', address, 'subject', 'Essai', 'text', 'Bonjour', 'html', '<p>Bonjour</p>') FROM unnest($1::text[]) AS address`,
      [addresses],
    );
    await eventually(async () => (await api.sql(`SELECT count(*)::int AS n FROM outbox_message WHERE status = 'SENT' AND payload->>'to' = ANY($1)`, [addresses]))[0].n === 40);
    await new Promise(resolve => setTimeout(resolve, 2_500));
    const deliveries = addresses.map(address => smtp.to(address).length);
    expect(deliveries).toEqual(addresses.map(() => 1));
  } finally {
    await second.stop();
  }
});

test('without MAIL_URL, messages stay in the outbox and each is logged once with its subject and link', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: `/tmp/mentor-outbox-${process.pid}`, DATABASE_URL: database.url, APP_URL, LOG_LEVEL: 'info' });
  const held = await createApp(config, pino({ level: 'info' }, sink));
  const heldSql = (query: string, parameters: unknown[]) => held.database.dataSource.query(query, parameters);
  try {
    const email = newAddress();
    const response = await fetch(held.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: REGISTER, variables: { input: { email, password: PASSWORD, displayName: 'Camille' } } }),
    });
    expect(response.status).toBe(200);
    const loggedFor = () => lines.filter(line => line.to === email);
    const logged = await eventually(() => (loggedFor().length > 0 ? loggedFor() : null));
    expect(logged).toEqual([expect.objectContaining({ subject: 'Confirmez votre adresse e-mail sur Mentor', link: expect.stringMatching(/^https:\/\/mentor\.example\.gouv\.fr\/verification\?token=/) })]);
    // It stays, HELD, with its body; later polls do not log it again.
    await new Promise(resolve => setTimeout(resolve, 2_500));
    const [row] = await heldSql(`SELECT status, attempts, payload FROM outbox_message WHERE payload->>'to' = $1`, [email]);
    expect(row).toMatchObject({ status: 'HELD', attempts: 1 });
    expect(row.payload.text).toContain('/verification?token=');
    expect(loggedFor()).toHaveLength(1);
  } finally {
    await held.stop();
    await database.drop();
  }
});
