import jwt from 'jsonwebtoken';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { bearer, mailedToken, PASSWORD } from '../support/people';
import { startTestApp, type TestApp, type UserErrorView } from '../support/test-app';

let api: TestApp;
beforeAll(async () => {
  api = await startTestApp();
});
afterAll(() => api.stop());

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) {
  accessToken refreshToken expiresIn user { id displayName email employer { slug } category functions }
  userErrors { field code message } } }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) {
  accessToken refreshToken user { id } userErrors { code message } } }`;
const REFRESH = `mutation($token: String!) { refreshToken(refreshToken: $token) { accessToken refreshToken userErrors { code } } }`;
const ME = '{ me { id email displayName employer { slug } } }';

interface Registered {
  accessToken: string | null;
  refreshToken: string | null;
  expiresIn: number | null;
  user: { id: string; displayName: string; email: string; employer: { slug: string } | null; category: string | null; functions: string[] } | null;
  userErrors: UserErrorView[];
}
type Refreshed = { refreshToken: { accessToken: string | null; refreshToken: string | null; userErrors: { code: string }[] } };
type Me = { me: { id: string; email: string; displayName: string; employer: { slug: string } | null } | null };
type LoggedIn = { login: { accessToken: string | null; refreshToken: string | null; user: { id: string } | null; userErrors: { code: string; message: string }[] } };

let counter = 0;
const uniqueEmail = (domain = 'agriculture.gouv.fr') => `agent.${Date.now()}.${++counter}@${domain}`;
const register = (input: Record<string, unknown>) => api.gql(REGISTER, { input: { password: PASSWORD, displayName: 'Camille Martin', ...input } });
const VERIFY = `mutation($token: String!) { verifyEmail(token: $token) {
  accessToken refreshToken expiresIn user { id displayName email emailVerified employer { slug } category functions }
  userErrors { field code message } } }`;
/** Registers, then follows the link mailed to the address. */
async function registerAndVerify(profile: Record<string, unknown> & { email: string }): Promise<Registered> {
  const { body } = await register(profile);
  expect(body.data.register).toEqual({ accessToken: null, refreshToken: null, expiresIn: null, user: null, userErrors: [] });
  const token = await mailedToken(api, profile.email.trim().toLowerCase(), '/verification');
  return (await api.data<{ verifyEmail: Registered }>(VERIFY, { token })).verifyEmail;
}
/** A new agent, registered, verified and signed in. */
async function signedIn(profile: Record<string, unknown> & { email: string }): Promise<{ accessToken: string; refreshToken: string; user: { id: string } }> {
  const { accessToken, refreshToken, user, userErrors } = await registerAndVerify(profile);
  expect(userErrors).toEqual([]);
  return { accessToken: accessToken!, refreshToken: refreshToken!, user: { id: user!.id } };
}
const refresh = async (token: string) => (await api.data<Refreshed>(REFRESH, { token })).refreshToken;
const userCount = async () => (await api.sql('SELECT count(*)::int AS n FROM user_account'))[0].n as number;

describe('register', () => {
  test('creates an agent whose employer follows from the e-mail domain; the mailed link signs them in', async () => {
    const payload = await registerAndVerify({ email: '  Camille.MARTIN@Agriculture.Gouv.fr ', category: 'A', functions: ['Formateur'] });
    expect(payload.userErrors).toEqual([]);
    expect(payload.user).toMatchObject({ displayName: 'Camille Martin', emailVerified: true, employer: { slug: 'maa' }, category: 'A', functions: ['formateur'] });
    expect(payload.expiresIn).toBe(900);
    const { me } = await api.data<Me>(ME, undefined, bearer(payload.accessToken));
    expect(me).toMatchObject({ id: payload.user?.id, email: 'camille.martin@agriculture.gouv.fr', employer: { slug: 'maa' } });
    const [row] = await api.sql(`SELECT password_hash FROM user_account WHERE email = 'camille.martin@agriculture.gouv.fr'`);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(payload)).not.toContain(PASSWORD);
    expect(JSON.stringify(payload)).not.toContain('argon2');
  });

  test('sub-domains of a partner domain are allowed', async () => {
    const payload = await registerAndVerify({ email: uniqueEmail('draaf.agriculture.gouv.fr') });
    expect(payload.user!.employer!.slug).toBe('maa');
  });

  test.each([
    ['a domain of no partner', () => ({ email: uniqueEmail('gmail.com') }), 'DOMAIN_NOT_ALLOWED', ['input', 'email']],
    ['a look-alike domain', () => ({ email: uniqueEmail('notagriculture.gouv.fr') }), 'DOMAIN_NOT_ALLOWED', ['input', 'email']],
    ['a malformed e-mail', () => ({ email: 'pas-une-adresse' }), 'VALIDATION', ['input', 'email']],
    ['an empty display name', () => ({ email: uniqueEmail(), displayName: '   ' }), 'VALIDATION', ['input', 'displayName']],
    ['a short password', () => ({ email: uniqueEmail(), password: 'court' }), 'WEAK_PASSWORD', ['input', 'password']],
    ['a common password', () => ({ email: uniqueEmail(), password: 'motdepasse123' }), 'WEAK_PASSWORD', ['input', 'password']],
    ['the e-mail local part', () => ({ email: 'dominique.durand@agriculture.gouv.fr', password: 'Dominique.Durand2024' }), 'WEAK_PASSWORD', ['input', 'password']],
  ])('refuses %s with a stable code, naming the field, and writes nothing', async (_, input, code, field) => {
    const before = await userCount();
    const { body } = await register(input());
    expect(body.errors).toBeUndefined();
    expect(body.data.register).toMatchObject({ accessToken: null, refreshToken: null, user: null });
    expect(body.data.register.userErrors).toEqual([{ code, field, message: expect.any(String) }]);
    expect(await userCount()).toBe(before);
  });

  test('reports every invalid field at once, each with its own code', async () => {
    const before = await userCount();
    const { body } = await register({ email: 'pas-une-adresse', password: 'court', displayName: ' ', functions: ['ok', ' ', 'x'.repeat(101)] });
    expect(body.data.register.userErrors).toEqual([
      { code: 'VALIDATION', field: ['input', 'email'], message: 'Adresse e-mail invalide.' },
      { code: 'WEAK_PASSWORD', field: ['input', 'password'], message: 'Le mot de passe doit compter au moins 12 caractères.' },
      { code: 'VALIDATION', field: ['input', 'displayName'], message: 'Le nom affiché ne peut pas être vide.' },
      { code: 'VALIDATION', field: ['input', 'functions'], message: expect.stringMatching(/^(Chaque fonction compte de 1 à 100 caractères|Une fonction ne peut pas être vide)\.$/) },
    ]);
    expect(await userCount()).toBe(before);
  });

  test('two registrations racing for one address create one account; both get the same answer', async () => {
    const email = uniqueEmail();
    const results = await Promise.all([register({ email }), register({ email: email.toUpperCase() })]);
    expect(results[0].body).toEqual(results[1].body);
    expect(results[0].body.data.register.userErrors).toEqual([]);
    expect((await api.sql('SELECT count(*)::int AS n FROM user_account WHERE email = $1', [email]))[0].n).toBe(1);
    const subjects = await api.sql<{ subject: string }>(`SELECT payload->>'subject' AS subject FROM outbox_message WHERE payload->>'to' = $1 ORDER BY subject`, [email]);
    expect(subjects.map(mail => mail.subject)).toEqual(['Confirmez votre adresse e-mail sur Mentor', 'Tentative de création d’un compte Mentor avec votre adresse']);
  });
});

describe('login', () => {
  const email = uniqueEmail('fonction-publique.gouv.fr');
  beforeAll(async () => {
    await register({ email });
  });

  test('with the right password returns tokens', async () => {
    const { login } = await api.data<LoggedIn>(LOGIN, { email: email.toUpperCase(), password: PASSWORD });
    expect(login.userErrors).toEqual([]);
    expect(login.accessToken).toEqual(expect.any(String));
  });

  test('an unknown e-mail and a wrong password get the same answer', async () => {
    const unknown = await api.data<LoggedIn>(LOGIN, { email: uniqueEmail(), password: PASSWORD });
    const wrong = await api.data<LoggedIn>(LOGIN, { email, password: 'pas le bon mot de passe' });
    expect(unknown.login).toEqual(wrong.login);
    expect(wrong.login.userErrors).toEqual([{ code: 'INVALID_CREDENTIALS', message: expect.any(String) }]);
    await api.sql('DELETE FROM login_throttle');
  });

  test('after 5 failures the account is locked for 15 minutes, for every API process sharing the database', async () => {
    const locked = uniqueEmail('numerique.gouv.fr');
    await register({ email: locked });
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: `/tmp/mentor-second-${process.pid}`, DATABASE_URL: api.database.url, LOG_LEVEL: 'silent' });
    const second = await createApp(config);
    const loginOn = async (url: string, password: string) => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: LOGIN, variables: { email: locked, password } }) });
      return ((await response.json()) as { data: { login: { userErrors: { code: string }[] } } }).data.login.userErrors.map(error => error.code);
    };
    try {
      // Failures spread over the two processes add up to one count.
      for (let attempt = 1; attempt <= 5; attempt++) {
        expect(await loginOn(attempt % 2 ? api.app.url : second.url, `mauvais mot de passe ${attempt}`)).toEqual(['INVALID_CREDENTIALS']);
      }
      expect(await loginOn(api.app.url, PASSWORD)).toEqual(['TOO_MANY_ATTEMPTS']);
      expect(await loginOn(second.url, PASSWORD)).toEqual(['TOO_MANY_ATTEMPTS']);
    } finally {
      await second.stop();
    }
    const [row] = await api.sql(`SELECT locked_until > now() + interval '14 minutes' AS long_enough FROM login_throttle`);
    expect(row.long_enough).toBe(true);
    await api.sql('DELETE FROM login_throttle');
  });

  test('parallel wrong passwords cannot outrun the count: at most 5 are checked', async () => {
    const target = uniqueEmail('numerique.gouv.fr');
    await register({ email: target });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => api.data<LoggedIn>(LOGIN, { email: target, password: `mauvais mot de passe ${i}` })),
    );
    const codes = answers.map(answer => answer.login.userErrors[0]?.code);
    // Those that waited too long for a hashing slot (TOO_MANY_REQUESTS) were not counted, nor checked.
    expect(codes.filter(code => code === 'INVALID_CREDENTIALS').length).toBeLessThanOrEqual(5);
    expect(codes.filter(code => !['INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS', 'TOO_MANY_REQUESTS'].includes(code))).toEqual([]);
    const [{ failures }] = await api.sql(`SELECT failures FROM login_throttle WHERE email_hash = encode(sha256($1::bytea), 'hex')`, [target]);
    expect(failures).toBe(codes.filter(code => code !== 'TOO_MANY_REQUESTS').length);
    await api.sql('DELETE FROM login_throttle');
  });

  test('an unknown address is throttled like a real one: the lockout reveals nothing', async () => {
    const unknown = uniqueEmail();
    const codes: string[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      codes.push((await api.data<LoggedIn>(LOGIN, { email: unknown, password: PASSWORD })).login.userErrors[0]?.code);
    }
    expect(codes).toEqual([...Array(5).fill('INVALID_CREDENTIALS'), 'TOO_MANY_ATTEMPTS']);
    await api.sql('DELETE FROM login_throttle');
  });
});

describe('access tokens', () => {
  let session: { accessToken: string; refreshToken: string; user: { id: string } };
  beforeAll(async () => {
    session = await signedIn({ email: uniqueEmail('ira-lyon.gouv.fr') });
  });

  const refused = async (token: string) => {
    const { status, body } = await api.gql<Me>(ME, undefined, bearer(token));
    expect(status).toBe(401);
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.data?.me).toBeUndefined();
  };

  test('a valid token identifies its user; no token is anonymous', async () => {
    expect((await api.data<Me>(ME, undefined, bearer(session.accessToken))).me?.id).toBe(session.user.id);
    expect((await api.data<Me>(ME)).me).toBeNull();
  });

  test('alg none is refused', async () => {
    const [header, payload] = session.accessToken.split('.');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    await refused(`${none}.${payload}.`);
    await refused(`${header}.${payload}.`);
  });

  test('a token re-signed with a guessed secret is refused', async () => {
    const claims = jwt.decode(session.accessToken) as jwt.JwtPayload;
    await refused(jwt.sign(claims, 'secret', { algorithm: 'HS256' }));
  });

  test('an edited payload is refused', async () => {
    const [header, payload, signature] = session.accessToken.split('.');
    const edited = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: '00000000-0000-4000-8000-000000000000' };
    await refused(`${header}.${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${signature}`);
  });

  test('expired and wrong-audience tokens are refused, as is garbage', async () => {
    const secret = (await import('node:fs')).readFileSync(`${api.app.config.dataDir}/jwt-secret`, 'utf8').trim();
    const base = { use: 'user', grants: [], sub: (jwt.decode(session.accessToken) as jwt.JwtPayload).sub, iss: 'mentor-api', aud: 'mentor-api' };
    await refused(jwt.sign({ ...base, exp: Math.floor(Date.now() / 1000) - 60 }, secret, { algorithm: 'HS256' }));
    await refused(jwt.sign({ ...base, aud: 'another-api' }, secret, { algorithm: 'HS256' }));
    await refused(jwt.sign({ ...base, iss: 'someone-else' }, secret, { algorithm: 'HS256' }));
    const control = await api.gql(ME, undefined, bearer(jwt.sign(base, secret, { algorithm: 'HS256' })));
    expect(control.body).toEqual({ data: { me: expect.objectContaining({ id: session.user.id }) } });
    await refused('garbage');
    // A client token's claims with a user's subject: the kind of token is explicit, so it is refused.
    await refused(jwt.sign({ ...base, use: 'client' }, secret, { algorithm: 'HS256' }));
  });
});

describe('refresh tokens', () => {
  test('rotate on every use; reusing a rotated token revokes its whole family', async () => {
    const first = await signedIn({ email: uniqueEmail('finances.gouv.fr') });
    const second = await refresh(first.refreshToken);
    expect(second.userErrors).toEqual([]);
    expect(second.refreshToken).not.toBe(first.refreshToken);

    expect((await refresh(first.refreshToken)).userErrors).toEqual([{ code: 'INVALID_TOKEN' }]);
    // The family is revoked: the token issued by the legitimate rotation no longer works either.
    expect((await refresh(second.refreshToken!)).userErrors).toEqual([{ code: 'INVALID_TOKEN' }]);
  });

  test('a family lives 30 days from sign-in: rotation does not extend it, and an expired family is INVALID_TOKEN', async () => {
    const first = await signedIn({ email: uniqueEmail('finances.gouv.fr') });
    const ends = () => api.sql<{ family_id: string; expires_at: Date }>(
      `SELECT family_id, expires_at FROM refresh_token WHERE family_id = (SELECT family_id FROM refresh_token WHERE token_hash = encode(sha256($1::bytea), 'hex'))`,
      [first.refreshToken],
    );
    const [signIn] = await ends();
    expect(signIn.expires_at.getTime()).toBeGreaterThan(Date.now() + 29.9 * 86_400_000);
    const second = await refresh(first.refreshToken);
    const third = await refresh(second.refreshToken!);
    expect(third.userErrors).toEqual([]);
    const family = await ends();
    expect(family).toHaveLength(3);
    expect(family.map(token => token.expires_at.getTime())).toEqual(family.map(() => signIn.expires_at.getTime()));
    // Thirty days later (the family's end moved to the past), the latest token no longer works.
    await api.sql(`UPDATE refresh_token SET expires_at = now() - interval '1 second' WHERE family_id = $1`, [signIn.family_id]);
    expect((await refresh(third.refreshToken!)).userErrors).toEqual([{ code: 'INVALID_TOKEN' }]);
  });

  test('logout revokes the refresh token; unknown tokens are INVALID_TOKEN', async () => {
    const session = await signedIn({ email: uniqueEmail('numerique.gouv.fr') });
    const out = await api.gql('mutation($t: String!) { logout(refreshToken: $t) { loggedOut userErrors { code } } }', { t: session.refreshToken });
    expect(out.body.data).toEqual({ logout: { loggedOut: true, userErrors: [] } });
    expect((await refresh(session.refreshToken)).userErrors).toEqual([{ code: 'INVALID_TOKEN' }]);
    expect((await refresh('inconnu')).userErrors).toEqual([{ code: 'INVALID_TOKEN' }]);
  });
});

describe('updateProfile', () => {
  test('changes the given fields only, validates them, and needs a signed-in user', async () => {
    const session = await signedIn({ email: uniqueEmail(), category: 'B' });
    const update = `mutation($displayName: String, $functions: [String!]) { updateProfile(displayName: $displayName, functions: $functions) {
      user { displayName category functions } userErrors { code field } } }`;
    const changed = await api.gql(update, { displayName: ' Camille M. ', functions: ['Acheteur'] }, bearer(session.accessToken));
    expect(changed.body.data.updateProfile).toEqual({ user: { displayName: 'Camille M.', category: 'B', functions: ['acheteur'] }, userErrors: [] });
    const refused = await api.gql(update, { displayName: '' }, bearer(session.accessToken));
    expect(refused.body.data.updateProfile).toEqual({ user: null, userErrors: [{ code: 'VALIDATION', field: ['displayName'] }] });
    const { me } = await api.data<{ me: object | null }>('{ me { displayName } }', undefined, bearer(session.accessToken));
    expect(me).toEqual({ displayName: 'Camille M.' });
    expect((await api.gql(update, { displayName: 'X' })).body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
