import { hashPassword } from '../../src/auth/passwords';
import { clientToken, createApiClient, issueClientToken, revokeApiClient } from '../support/accounts';
import { ADMIN, ADMIN_ENV, bearer, grant as grantAs, login as loginOn, PASSWORD, register, registerUnverified } from '../support/people';
import { nodes, startTestApp, type Edges, type TestApp } from '../support/test-app';

let api: TestApp;

const login = (email: string, password?: string) => loginOn(api, email, password);
const registerAgent = (email: string) => register(api, email);

const GRANT = `mutation($userId: ID!, $role: Role!, $partner: String) { grantRole(userId: $userId, role: $role, partner: $partner) {
  user { id roles { role partner { slug } } } userErrors { field code } } }`;
const REVOKE = GRANT.replace(/grantRole/g, 'revokeRole');
type RolePayload = { user: { id: string; roles: { role: string; partner: { slug: string } | null }[] } | null; userErrors: { field: string[] | null; code: string }[] };

const tokens: Record<string, string | null> = { anonymous: null };
let adminToken: string;

beforeAll(async () => {
  api = await startTestApp(ADMIN_ENV);
  adminToken = (await login(ADMIN.email, ADMIN.password)).token;
  const people: [name: string, email: string, role: string | null, partner: string | null][] = [
    ['agent', 'agent@agriculture.gouv.fr', null, null],
    ['editor of another partner', 'editrice@agriculture.gouv.fr', 'EDITOR', 'dgafp'],
    ['editorial committee', 'comite.editorial@fonction-publique.gouv.fr', 'EDITORIAL_COMMITTEE', null],
    ['technical committee', 'comite.technique@numerique.gouv.fr', 'TECHNICAL_COMMITTEE', null],
    ['HR correspondent', 'rh@agriculture.gouv.fr', 'HR_CORRESPONDENT', 'maa'],
  ];
  for (const [name, email, role, partner] of people) {
    const id = await registerAgent(email);
    if (role) await grantAs(api, adminToken, id, role, partner);
    tokens[name] = (await login(email)).token;
  }
  tokens.admin = adminToken;
  tokens['API client with scope'] = await clientToken(api, adminToken, 'maa', ['hr:read', 'catalogue:write'], { name: 'SIRH MAA' });
  tokens['API client without scope'] = await clientToken(api, adminToken, 'maa', ['webhooks:manage'], { name: 'Portail' });
});
afterAll(() => api.stop());

const ADMIN_ONLY: [operation: string, query: string][] = [
  ['grantRole', `mutation { grantRole(userId: "nope", role: ADMIN) { userErrors { code } } }`],
  ['revokeRole', `mutation { revokeRole(userId: "nope", role: ADMIN) { userErrors { code } } }`],
  ['createApiClient', `mutation { createApiClient(partner: "maa", name: "x", scopes: ["nope"]) { userErrors { code } } }`],
  ['revokeApiClient', `mutation { revokeApiClient(clientId: "nope") { userErrors { code } } }`],
  ['auditLog', `{ auditLog(first: 1) { totalCount } }`],
];

const ROLES = ['anonymous', 'agent', 'editor of another partner', 'editorial committee', 'technical committee', 'HR correspondent',
  'API client with scope', 'API client without scope', 'admin'];

describe('authorization matrix', () => {
  const expected = (role: string, adminOnly: boolean) => {
    if (role === 'anonymous') return 'UNAUTHENTICATED';
    if (role.startsWith('API client')) return 'FORBIDDEN';
    if (adminOnly && role !== 'admin') return 'FORBIDDEN';
    return null;
  };

  for (const [operation, query] of ADMIN_ONLY) {
    test.each(ROLES)(`${operation} as %s`, async role => {
      const { body } = await api.gql(query, undefined, bearer(tokens[role]));
      const code = expected(role, true);
      if (code) {
        expect(body.errors?.[0].extensions?.code).toBe(code);
      } else {
        expect(body.errors).toBeUndefined();
      }
    });
  }

  test.each(ROLES)('updateProfile as %s', async role => {
    const { body } = await api.gql<{ updateProfile: object }>(`mutation { updateProfile(functions: ["formateur"]) { user { functions } userErrors { code } } }`,
      undefined, bearer(tokens[role]));
    const code = expected(role, false);
    if (code) expect(body.errors?.[0].extensions?.code).toBe(code);
    else expect(body.data?.updateProfile).toEqual({ user: { functions: ['formateur'] }, userErrors: [] });
  });
});

describe('role grants', () => {
  let userId: string;
  beforeAll(async () => {
    userId = await registerAgent('futur.editeur@ira-lyon.gouv.fr');
  });
  const grant = async (variables: Record<string, unknown>, mutation = GRANT) =>
    (await api.data<Record<'grantRole' | 'revokeRole', RolePayload>>(mutation, { userId, ...variables }, bearer(adminToken)))[mutation === GRANT ? 'grantRole' : 'revokeRole'];

  test.each([
    [{ role: 'EDITOR' }, 'VALIDATION', ['partner']],
    [{ role: 'HR_CORRESPONDENT' }, 'VALIDATION', ['partner']],
    [{ role: 'ADMIN', partner: 'maa' }, 'VALIDATION', ['partner']],
    [{ role: 'AGENT' }, 'VALIDATION', ['role']],
    [{ role: 'EDITOR', partner: 'nowhere' }, 'NOT_FOUND', ['partner']],
    [{ role: 'EDITOR', partner: 'maa', userId: 'VXNlcjowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA' }, 'NOT_FOUND', ['userId']],
  ])('refuses %p with %s and writes nothing', async (variables, code, field) => {
    const before = await api.sql('SELECT (SELECT count(*) FROM role_grant)::int AS grants, (SELECT count(*) FROM audit_entry)::int AS audit');
    const payload = await grant(variables);
    expect(payload).toEqual({ user: null, userErrors: [{ code, field }] });
    expect(await api.sql('SELECT (SELECT count(*) FROM role_grant)::int AS grants, (SELECT count(*) FROM audit_entry)::int AS audit')).toEqual(before);
  });

  test('grants once, revokes, and records both in the audit trail with the acting admin', async () => {
    const first = await grant({ role: 'EDITOR', partner: 'ira-lyon' });
    const again = await grant({ role: 'EDITOR', partner: 'ira-lyon' });
    expect(again.user?.roles).toEqual(first.user?.roles);
    expect(first.user?.roles).toEqual([{ role: 'AGENT', partner: null }, { role: 'EDITOR', partner: { slug: 'ira-lyon' } }]);
    const committee = await grant({ role: 'EDITORIAL_COMMITTEE' });
    expect(committee.user?.roles).toHaveLength(3);
    const revoked = await grant({ role: 'EDITOR', partner: 'ira-lyon' }, REVOKE);
    expect(revoked.user?.roles).toEqual([{ role: 'AGENT', partner: null }, { role: 'EDITORIAL_COMMITTEE', partner: null }]);

    const { auditLog } = await api.data<{ auditLog: Edges<object> }>('{ auditLog(first: 3) { totalCount edges { node { actor action target details } } } }', undefined, bearer(adminToken));
    const [latest, middle, oldest] = nodes(auditLog);
    const adminActor = (await login(ADMIN.email, ADMIN.password)).id;
    expect(latest).toMatchObject({ action: 'ROLE_REVOKED', actor: adminActor, details: { role: 'EDITOR', partner: 'ira-lyon' } });
    expect(middle).toMatchObject({ action: 'ROLE_GRANTED', details: { role: 'EDITORIAL_COMMITTEE', partner: null } });
    expect(oldest).toMatchObject({ action: 'ROLE_GRANTED', details: { role: 'EDITOR', partner: 'ira-lyon' } });
  });

  test('new grants reach the token at the next login', async () => {
    await grant({ role: 'TECHNICAL_COMMITTEE' });
    const token = (await login('futur.editeur@ira-lyon.gouv.fr')).token;
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(claims.grants).toEqual(expect.arrayContaining([{ role: 'TECHNICAL_COMMITTEE', partnerId: null }]));
  });
});

describe('who sees an account', () => {
  test('its owner, admins and HR correspondents of the employer; nobody else, even through node(id)', async () => {
    const target = await registerAgent('lecture.email@agriculture.gouv.fr');
    const query = `query($id: ID!) { node(id: $id) { ... on User { email } } }`;
    const read = async (role: string) => (await api.data<{ node: { email: string } | null }>(query, { id: target }, bearer(tokens[role]))).node?.email ?? null;
    expect(await read('admin')).toBe('lecture.email@agriculture.gouv.fr');
    expect(await read('HR correspondent')).toBe('lecture.email@agriculture.gouv.fr');
    for (const role of ['agent', 'editor of another partner', 'editorial committee', 'anonymous']) {
      expect((await api.gql(query, { id: target }, bearer(tokens[role]))).body).toEqual({ data: { node: null } });
    }
    const own = await login('lecture.email@agriculture.gouv.fr');
    expect((await api.data<{ me: object | null }>('{ me { email } }', undefined, bearer(own.token))).me).toEqual({ email: 'lecture.email@agriculture.gouv.fr' });
  });
});

describe('API clients', () => {
  test('the secret is shown once and stored hashed; wrong or revoked credentials get no token', async () => {
    const created = await createApiClient(api, adminToken, 'dae', ['catalogue:write'], 'Place des achats');
    expect(created.userErrors).toEqual([]);
    const client = created.client!;
    const clientSecret = created.clientSecret!;
    expect(client).toMatchObject({ name: 'Place des achats', partner: { slug: 'dae' }, scopes: ['catalogue:write'], revokedAt: null });
    const [stored] = await api.sql('SELECT secret_hash FROM api_client WHERE client_id = $1', [client.clientId]);
    expect(stored.secret_hash).toMatch(/^\$argon2id\$/);
    expect(stored.secret_hash).not.toContain(clientSecret);

    const issue = (secret: string) => issueClientToken(api, client.clientId, secret);
    expect(await issue(clientSecret)).toMatchObject({ accessToken: expect.any(String), expiresIn: 900, userErrors: [] });
    const refused = { accessToken: null, expiresIn: null, userErrors: [expect.objectContaining({ code: 'INVALID_CREDENTIALS' })] };
    expect(await issue('wrong')).toEqual(refused);

    const revoked = await revokeApiClient(api, adminToken, client.clientId);
    expect(revoked.client?.revokedAt).toEqual(expect.any(String));
    expect(await issue(clientSecret)).toEqual(refused);

    const audit = await api.sql<{ action: string }>(`SELECT action FROM audit_entry WHERE convert_from(decode(translate(target, '-_', '+/') || repeat('=', (4 - length(target) % 4) % 4), 'base64'), 'UTF8') LIKE 'ApiClient:%' ORDER BY created_at`);
    expect(audit.map(row => row.action)).toEqual(expect.arrayContaining(['API_CLIENT_CREATED', 'API_CLIENT_REVOKED']));
  });

  test('five wrong secrets lock a client id for 15 minutes, the right secret included; other clients are not affected', async () => {
    const [target, other] = [
      await createApiClient(api, adminToken, 'maa', ['hr:read'], 'Cible'),
      await createApiClient(api, adminToken, 'maa', ['hr:read'], 'Voisin'),
    ];
    const codes = async (clientId: string, secret: string) => (await issueClientToken(api, clientId, secret)).userErrors.map(error => error.code);
    for (let attempt = 0; attempt < 5; attempt++) expect(await codes(target.client!.clientId, 'mauvais secret')).toEqual(['INVALID_CREDENTIALS']);
    expect(await codes(target.client!.clientId, target.clientSecret!)).toEqual(['TOO_MANY_ATTEMPTS']);
    expect(await codes(other.client!.clientId, other.clientSecret!)).toEqual([]);
    // An unknown client id is counted too: the lockout tells nothing of which ids exist.
    for (let attempt = 0; attempt < 5; attempt++) expect(await codes('client-inconnu', 'x')).toEqual(['INVALID_CREDENTIALS']);
    expect(await codes('client-inconnu', 'x')).toEqual(['TOO_MANY_ATTEMPTS']);
  });

  test('unknown scopes are VALIDATION, an unknown partner NOT_FOUND', async () => {
    const refused = (code: string, field: string) => ({ client: null, clientSecret: null, userErrors: [{ code, field: [field], message: expect.any(String) }] });
    expect(await createApiClient(api, adminToken, 'maa', ['admin'], 'x')).toEqual(refused('VALIDATION', 'scopes'));
    expect(await createApiClient(api, adminToken, 'nowhere', ['hr:read'], 'x')).toEqual(refused('NOT_FOUND', 'partner'));
  });
});

test('a revoked admin loses admin rights at once, even with a token issued before', async () => {
  const email = 'second.admin@numerique.gouv.fr';
  const id = await registerAgent(email);
  await api.gql(GRANT, { userId: id, role: 'ADMIN' }, bearer(adminToken));
  const token = (await login(email)).token;
  expect((await api.gql('{ auditLog(first: 1) { totalCount } }', undefined, bearer(token))).body.errors).toBeUndefined();
  await api.gql(REVOKE, { userId: id, role: 'ADMIN' }, bearer(adminToken));
  const regrant = await api.gql(GRANT, { userId: id, role: 'ADMIN' }, bearer(token));
  expect(regrant.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  expect(await api.sql(`SELECT role FROM role_grant g JOIN user_account u ON u.id = g.user_id WHERE u.email = $1`, [email])).toEqual([]);
});

test('ADMIN_EMAIL / ADMIN_PASSWORD make sure that admin exists, idempotently, across restarts', async () => {
  const admins = () => api.sql(`SELECT u.email, g.role FROM user_account u JOIN role_grant g ON g.user_id = u.id WHERE u.email = $1`, [ADMIN.email]);
  expect(await admins()).toEqual([{ email: ADMIN.email, role: 'ADMIN' }]);
  // A second start on the same database (a restart, or a second process) adds nothing, and
  // gives the role back if it was revoked meanwhile.
  await api.sql(`DELETE FROM role_grant WHERE role = 'ADMIN'`);
  const restarted = await startTestApp({ DATABASE_URL: api.database.url, DEMO_DATA: 'false', ADMIN_EMAIL: ADMIN.email.toUpperCase(), ADMIN_PASSWORD: ADMIN.password });
  try {
    expect(await admins()).toEqual([{ email: ADMIN.email, role: 'ADMIN' }]);
    await loginOn(restarted, ADMIN.email, ADMIN.password);
  } finally {
    await restarted.stop();
  }
});

test('once the admin changed the password, a restart with the same ADMIN_PASSWORD still starts and changes nothing', async () => {
  const { token } = await loginOn(api, ADMIN.email, ADMIN.password);
  const changed = await api.data<{ changePassword: { userErrors: object[] } }>(
    'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { userErrors { code } } }',
    { c: ADMIN.password, n: 'Le nouveau mot de passe de l’administration' },
    bearer(token),
  );
  expect(changed.changePassword.userErrors).toEqual([]);
  try {
    const restarted = await startTestApp({ DATABASE_URL: api.database.url, DEMO_DATA: 'false', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    await restarted.stop();
    await loginOn(api, ADMIN.email, 'Le nouveau mot de passe de l’administration');
  } finally {
    // The other tests sign in with ADMIN.password.
    await api.sql(`UPDATE user_account SET password_hash = $2 WHERE email = $1`, [ADMIN.email, await hashPassword(ADMIN.password)]);
  }
});

describe('an account that exists under ADMIN_EMAIL is promoted only if ADMIN_PASSWORD is its password', () => {
  const startAsAdmin = (email: string, password: string) => startTestApp({ DATABASE_URL: api.database.url, DEMO_DATA: 'false', ADMIN_EMAIL: email, ADMIN_PASSWORD: password });
  const account = (email: string) => api.sql(
    `SELECT u.email_verified AS verified, coalesce(string_agg(g.role::text, ' '), '') AS roles
     FROM user_account u LEFT JOIN role_grant g ON g.user_id = u.id WHERE u.email = $1 GROUP BY u.id`,
    [email],
  );

  // Someone registered the address before the operator configured it.
  test.each<[account: string, email: string, squat: (email: string) => Promise<unknown>]>([
    ['a verified account', 'premier.arrive@numerique.gouv.fr', registerAgent],
    // The bootstrap before verified addresses promoted whoever held the address: being admin does not vouch for it.
    ['an unverified account that holds ADMIN', 'admin.non.verifie@numerique.gouv.fr', async email => {
      await registerUnverified(api, email);
      await api.sql(`INSERT INTO role_grant (user_id, role) SELECT id, 'ADMIN' FROM user_account WHERE email = $1`, [email]);
    }],
  ])('else the start stops, with one clear line, and changes nothing: %s', async (_, email, squat) => {
    await squat(email);
    const before = await account(email);
    await expect(startAsAdmin(email, 'le mot de passe de l’opérateur'))
      .rejects.toThrow(`Invalid configuration: ADMIN_PASSWORD does not open the existing account ${email}, which is not promoted`);
    expect(await account(email)).toEqual(before);
  });

  test('two processes starting at once on the same database with a new ADMIN_EMAIL: both start, one admin account', async () => {
    const email = 'admin.simultane@numerique.gouv.fr';
    // Each hashes ADMIN_PASSWORD with its own salt: when both read "no account" (2 runs in 3 here), the
    // later one's promotion finds the other's row, not its hash, and checks that row again.
    const started = await Promise.all([startAsAdmin(email, PASSWORD), startAsAdmin(email, PASSWORD)]);
    await Promise.all(started.map(app => app.stop()));
    expect(await account(email)).toEqual([{ verified: true, roles: 'ADMIN' }]);
    await loginOn(api, email, PASSWORD);
  });

  test('an account that ADMIN_PASSWORD opens becomes a verified admin', async () => {
    const email = 'future.admin@numerique.gouv.fr';
    await registerUnverified(api, email);
    expect(await account(email)).toEqual([{ verified: false, roles: '' }]);
    const restarted = await startAsAdmin(email, PASSWORD);
    await restarted.stop();
    expect(await account(email)).toEqual([{ verified: true, roles: 'ADMIN' }]);
  });
});
