import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { VerifiedMailboxes1796000000003 } from '../../migrations/1796000000003-VerifiedMailboxes';
import { ADMIN, ADMIN_ENV, bearer, login, mailedToken, PASSWORD, person, registerUnverified, verifyMailbox, type Person } from '../support/people';
import { startTestApp, type TestApp, type UserErrorView } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';

let api: TestApp;
let admin: Person;
let hr: Person;
beforeAll(async () => {
  api = await startTestApp(ADMIN_ENV);
  admin = await login(api, ADMIN.email, ADMIN.password);
  hr = await person(api, admin.token, 'rh.verification@agriculture.gouv.fr', [['HR_CORRESPONDENT', 'maa']]);
});
afterAll(() => api.stop());

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken refreshToken expiresIn user { id } userErrors { field code message } } }`;
const VERIFY = `mutation($token: String!) { verifyEmail(token: $token) { accessToken user { id emailVerified } userErrors { field code message } } }`;
const RESEND = `mutation { resendVerification { sent userErrors { code message } } }`;
const USER = `query($id: ID!) { node(id: $id) { ... on User { id email emailVerified } } }`;

let counter = 0;
const uniqueEmail = () => `boite.${Date.now()}.${++counter}@agriculture.gouv.fr`;
const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');
const userIdOf = async (email: string) => (await api.sql<{ id: string }>('SELECT id FROM user_account WHERE email = $1', [email]))[0].id;
const verify = async (token: string) =>
  (await api.data<{ verifyEmail: { accessToken: string | null; user: { id: string; emailVerified: boolean } | null; userErrors: UserErrorView[] } }>(VERIFY, { token }))
    .verifyEmail;
const subjectsTo = async (email: string) =>
  (await api.sql<{ subject: string }>(`SELECT payload->>'subject' AS subject FROM outbox_message WHERE payload->>'to' = $1 ORDER BY id`, [email])).map(mail => mail.subject);
const VERIFY_SUBJECT = 'Confirmez votre adresse e-mail sur Mentor';

describe('register does not tell who has an account', () => {
  test('a taken address gets the very answer of a new one; its owner is warned by mail, and nothing changes', async () => {
    const owner = uniqueEmail();
    const input = (email: string) => ({ input: { email, password: PASSWORD, displayName: 'Quelqu’un' } });
    const fresh = await api.gql(REGISTER, input(uniqueEmail()));
    await registerUnverified(api, owner);
    const [before] = await api.sql('SELECT password_hash, display_name FROM user_account WHERE email = $1', [owner]);
    const taken = await api.gql(REGISTER, input(owner.toUpperCase()));
    expect(taken.status).toBe(fresh.status);
    expect(taken.body).toEqual(fresh.body);
    expect(taken.body).toEqual({ data: { register: { accessToken: null, refreshToken: null, expiresIn: null, user: null, userErrors: [] } } });
    expect(await subjectsTo(owner)).toEqual([VERIFY_SUBJECT, 'Tentative de création d’un compte Mentor avec votre adresse']);
    expect(await api.sql('SELECT password_hash, display_name FROM user_account WHERE email = $1', [owner])).toEqual([before]);
  });

  test('its owner is warned at most once an hour, however often the address is tried', async () => {
    const owner = uniqueEmail();
    await registerUnverified(api, owner);
    for (let attempt = 0; attempt < 4; attempt++) await api.gql(REGISTER, { input: { email: owner, password: PASSWORD, displayName: 'Encore' } });
    expect(await subjectsTo(owner)).toEqual([VERIFY_SUBJECT, 'Tentative de création d’un compte Mentor avec votre adresse']);
    await api.sql(`UPDATE user_account SET registration_attempt_warned_at = now() - interval '61 minutes' WHERE email = $1`, [owner]);
    await api.gql(REGISTER, { input: { email: owner, password: PASSWORD, displayName: 'Encore' } });
    expect((await subjectsTo(owner)).filter(subject => subject.startsWith('Tentative'))).toHaveLength(2);
  });
});

describe('verifyEmail', () => {
  test('the link proves the mailbox and signs in, once', async () => {
    const email = uniqueEmail();
    await registerUnverified(api, email);
    const token = await mailedToken(api, email, '/verification');
    const first = await verify(token);
    expect(first).toMatchObject({ accessToken: expect.any(String), user: { emailVerified: true }, userErrors: [] });
    expect(await verify(token)).toEqual({ accessToken: null, user: null, userErrors: [{ code: 'INVALID_TOKEN', field: ['token'], message: expect.any(String) }] });
  });

  test('expired, foreign and made-up tokens are INVALID_TOKEN and verify nothing', async () => {
    const email = uniqueEmail();
    await registerUnverified(api, email);
    const token = await mailedToken(api, email, '/verification');
    await api.sql(`UPDATE account_token SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [await userIdOf(email)]);
    expect((await verify(token)).userErrors.map(error => error.code)).toEqual(['INVALID_TOKEN']);
    // A password reset link's token is not a verification token.
    const other = uniqueEmail();
    await registerUnverified(api, other);
    await api.data(`mutation($email: String!) { requestPasswordReset(email: $email) { requested } }`, { email: other });
    expect((await verify(await mailedToken(api, other, '/mot-de-passe'))).userErrors.map(error => error.code)).toEqual(['INVALID_TOKEN']);
    expect((await verify('x'.repeat(43))).userErrors.map(error => error.code)).toEqual(['INVALID_TOKEN']);
    expect((await verify('')).userErrors.map(error => error.code)).toEqual(['INVALID_TOKEN']);
    const verified = await api.sql('SELECT email_verified FROM user_account WHERE email = ANY($1)', [[email, other]]);
    expect(verified).toEqual([{ email_verified: false }, { email_verified: false }]);
  });
});

test('following the link closes the sessions opened before it: whoever registered the address is signed out', async () => {
  const email = uniqueEmail();
  await registerUnverified(api, email);
  const squatter = await api.data<{ login: { refreshToken: string } }>(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { refreshToken } }`, { e: email, p: PASSWORD });
  await verifyMailbox(api, email);
  const { refreshToken } = await api.data<{ refreshToken: { userErrors: { code: string }[] } }>(
    'mutation($t: String!) { refreshToken(refreshToken: $t) { userErrors { code } } }',
    { t: squatter.login.refreshToken },
  );
  expect(refreshToken.userErrors).toEqual([{ code: 'INVALID_TOKEN' }]);
});

test('a password reset spends the verification link still out', async () => {
  const email = uniqueEmail();
  await registerUnverified(api, email);
  const verification = await mailedToken(api, email, '/verification');
  await api.data(`mutation($email: String!) { requestPasswordReset(email: $email) { requested } }`, { email });
  const reset = await api.data<{ resetPassword: { userErrors: object[] } }>(
    'mutation($t: String!, $p: String!) { resetPassword(token: $t, password: $p) { userErrors { code } } }',
    { t: await mailedToken(api, email, '/mot-de-passe'), p: 'Une toute nouvelle phrase de passe' },
  );
  expect(reset.resetPassword.userErrors).toEqual([]);
  expect((await verify(verification)).userErrors.map(error => error.code)).toEqual(['INVALID_TOKEN']);
});

describe('resendVerification', () => {
  test('needs a signed-in user', async () => {
    const { body } = await api.gql(RESEND);
    expect(body.errors?.map(error => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  test('sends a new link that replaces the old one; at most one a minute; not once verified', async () => {
    const email = uniqueEmail();
    await registerUnverified(api, email);
    const oldToken = await mailedToken(api, email, '/verification');
    const { token } = await login(api, email);
    // As if the first link had been sent two minutes ago.
    await api.sql(`UPDATE account_token SET created_at = created_at - interval '2 minutes' WHERE user_id = $1`, [await userIdOf(email)]);
    expect((await api.data<{ resendVerification: object }>(RESEND, undefined, bearer(token))).resendVerification).toEqual({ sent: true, userErrors: [] });
    const again = (await api.data<{ resendVerification: { sent: boolean | null; userErrors: { code: string }[] } }>(RESEND, undefined, bearer(token))).resendVerification;
    expect(again).toEqual({ sent: null, userErrors: [{ code: 'TOO_MANY_REQUESTS', message: expect.any(String) }] });
    expect(await subjectsTo(email)).toEqual([VERIFY_SUBJECT, VERIFY_SUBJECT]);
    const newToken = await mailedToken(api, email, '/verification');
    expect(newToken).not.toBe(oldToken);
    expect((await verify(oldToken)).userErrors.map(error => error.code)).toEqual(['INVALID_TOKEN']);
    expect((await verify(newToken)).userErrors).toEqual([]);
    const done = (await api.data<{ resendVerification: { userErrors: { code: string }[] } }>(RESEND, undefined, bearer(token))).resendVerification;
    expect(done.userErrors.map(error => error.code)).toEqual(['INVALID_TRANSITION']);
  });
});

describe('an unverified account', () => {
  let email: string;
  let agent: Person;
  beforeAll(async () => {
    email = uniqueEmail();
    await registerUnverified(api, email);
    agent = await login(api, email);
  });

  test('signs in and browses, but is eligible to nothing and says why', async () => {
    const { me } = await api.data<{ me: { emailVerified: boolean } }>('{ me { emailVerified } }', undefined, bearer(agent.token));
    expect(me).toEqual({ emailVerified: false });
    const { trainings } = await api.data<{ trainings: { edges: { node: { eligibility: { eligible: boolean; reasons: string[] } } }[] } }>(
      '{ trainings(first: 3) { edges { node { eligibility { eligible reasons } } } } }',
      undefined,
      bearer(agent.token),
    );
    expect(trainings.edges.length).toBeGreaterThan(0);
    for (const { node } of trainings.edges) {
      expect(node.eligibility.eligible).toBe(false);
      expect(node.eligibility.reasons[0]).toMatch(/^Confirmez d’abord votre adresse e-mail/);
    }
  });

  test('cannot enrol: EMAIL_NOT_VERIFIED, and nothing is written', async () => {
    const [session] = await api.sql<{ id: string }>(
      `SELECT s.id FROM training_session s JOIN training t ON t.id = s.training_id
       WHERE t.status = 'PUBLISHED' AND NOT s.cancelled AND s.enrolment_opens_at <= now() AND s.enrolment_closes_at > now() LIMIT 1`,
    );
    const { enrol } = await api.data<{ enrol: { enrolment: object | null; userErrors: { code: string }[] } }>(
      'mutation($id: ID!) { enrol(sessionId: $id) { enrolment { id } userErrors { code } } }',
      { id: globalId('TrainingSession', session.id) },
      bearer(agent.token),
    );
    expect(enrol).toEqual({ enrolment: null, userErrors: [{ code: 'EMAIL_NOT_VERIFIED' }] });
    expect(await api.sql('SELECT id FROM enrolment WHERE user_id = $1', [await userIdOf(email)])).toEqual([]);
  });

  test('cannot be granted a role', async () => {
    const { grantRole } = await api.data<{ grantRole: { userErrors: { code: string; field: string[] }[] } }>(
      'mutation($userId: ID!) { grantRole(userId: $userId, role: EDITOR, partner: "maa") { userErrors { code field } } }',
      { userId: agent.id },
      bearer(admin.token),
    );
    expect(grantRole.userErrors).toEqual([{ code: 'EMAIL_NOT_VERIFIED', field: ['userId'] }]);
    expect(await api.sql('SELECT role FROM role_grant WHERE user_id = $1', [await userIdOf(email)])).toEqual([]);
  });

  test('is left out of the eligibleOnly filter', async () => {
    const { trainings } = await api.data<{ trainings: { totalCount: number } }>('{ trainings(filter: { eligibleOnly: true }) { totalCount } }', undefined, bearer(agent.token));
    expect(trainings.totalCount).toBe(0);
  });

  test('is not shown to the employer’s HR correspondents until verified; admins and its owner see it', async () => {
    const read = async (viewer: Person) => (await api.data<{ node: { email: string } | null }>(USER, { id: agent.id }, bearer(viewer.token))).node;
    expect(await read(hr)).toBeNull();
    expect(await read(admin)).toMatchObject({ email, emailVerified: false });
    expect(await read(agent)).toMatchObject({ email });
    await verifyMailbox(api, email);
    expect(await read(hr)).toEqual({ id: agent.id, email, emailVerified: true });
  });
});

test('roles held by an unverified account (granted before the check) do not apply until it verifies', async () => {
  const email = uniqueEmail();
  await registerUnverified(api, email);
  const id = await userIdOf(email);
  await api.sql(`INSERT INTO role_grant (user_id, role, partner_id) VALUES ($1, 'HR_CORRESPONDENT', (SELECT id FROM partner WHERE slug = 'maa'))`, [id]);
  const legacy = await login(api, email);
  const colleague = uniqueEmail();
  await registerUnverified(api, colleague);
  const colleagueId = globalId('User', await userIdOf(colleague));
  await verifyMailbox(api, colleague);
  const read = async (viewer: Person) => (await api.data<{ node: { email: string } | null }>(USER, { id: colleagueId }, bearer(viewer.token))).node;
  const { me } = await api.data<{ me: { roles: { role: string }[] } }>('{ me { roles { role } } }', undefined, bearer(legacy.token));
  expect(me.roles.map(role => role.role)).toEqual(['AGENT']);
  expect(await read(legacy)).toBeNull();
  const editorOnly = await api.gql(`mutation { createTraining(input: { partner: "maa", collection: "x", licence: "x", title: "x", summary: "x", objectives: [], modality: HYBRID }) { userErrors { code } } }`, undefined, bearer(legacy.token));
  expect(editorOnly.body.errors?.map(error => error.extensions?.code)).toEqual(['FORBIDDEN']);
  await verifyMailbox(api, email);
  expect(await read(legacy)).toMatchObject({ email: colleague });
});

test('an unverified account’s enrolment (made before the check) is not completed: no attestation names it', async () => {
  const email = uniqueEmail();
  await registerUnverified(api, email);
  const [enrolment] = await api.sql<{ id: string }>(
    `INSERT INTO enrolment (user_id, session_id, status)
     SELECT $1, s.id, 'CONFIRMED' FROM training_session s JOIN training t ON t.id = s.training_id
     WHERE t.status = 'PUBLISHED' AND NOT s.cancelled AND s.starts_at < now() ORDER BY s.starts_at DESC LIMIT 1 RETURNING id`,
    [await userIdOf(email)],
  );
  expect(enrolment).toBeDefined();
  const { completeEnrolment } = await api.data<{ completeEnrolment: { userErrors: { code: string }[] } }>(
    'mutation($id: ID!) { completeEnrolment(enrolmentId: $id) { userErrors { code } } }',
    { id: globalId('Enrolment', enrolment.id) },
    bearer(admin.token),
  );
  expect(completeEnrolment.userErrors).toEqual([{ code: 'EMAIL_NOT_VERIFIED' }]);
  expect(await api.sql('SELECT id FROM attestation WHERE enrolment_id = $1', [enrolment.id])).toEqual([]);
});

test('accounts that existed before mailboxes were checked must verify too', async () => {
  const database = await createTestDatabase();
  const before = new DataSource({
    type: 'postgres',
    url: database.url,
    migrations: migrations.slice(0, migrations.indexOf(VerifiedMailboxes1796000000003)),
    migrationsTableName: 'migrations',
  });
  await before.initialize();
  try {
    await before.runMigrations();
    await before.query(`INSERT INTO user_account (email, password_hash, display_name) VALUES ('ancien@agriculture.gouv.fr', '!', 'Ancien')`);
  } finally {
    await before.destroy();
  }
  const upgraded = await startTestApp({ DATABASE_URL: database.url, DEMO_DATA: 'false' });
  try {
    expect(await upgraded.sql('SELECT email_verified FROM user_account')).toEqual([{ email_verified: false }]);
  } finally {
    await upgraded.stop();
    await database.drop();
  }
});
