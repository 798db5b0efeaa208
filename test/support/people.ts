import { resolveJwtSecret } from '../../src/auth/secrets';
import { signAccessToken } from '../../src/auth/tokens';
import type { TestApp, UserErrorView } from './test-app';

export const ADMIN = { email: 'admin@numerique.gouv.fr', password: 'Administrateur de Mentor 2026' };
export const PASSWORD = 'Une phrase de passe solide';
/** Start the app with these to have an ADMIN account (see `ADMIN`). */
export const ADMIN_ENV = { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password };

export const bearer = (token: string | null | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

export interface Person {
  id: string;
  token: string;
}

export async function login(api: TestApp, email: string, password = PASSWORD): Promise<Person> {
  const { login: payload } = await api.data<{ login: { accessToken: string | null; user: { id: string } | null; userErrors: UserErrorView[] } }>(
    `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken user { id } userErrors { field code message } } }`,
    { email, password },
  );
  expect(payload.userErrors).toEqual([]);
  return { token: payload.accessToken!, id: payload.user!.id };
}

/** The link of the last e-mail queued for this address whose link starts with `path` (e.g. '/verification'), from the outbox. */
export async function mailedLink(api: TestApp, email: string, path: string): Promise<string> {
  const [mail] = await api.sql<{ link: string }>(
    `SELECT payload->>'link' AS link FROM outbox_message WHERE channel = 'mail' AND payload->>'to' = $1 AND payload->>'link' LIKE '%' || $2 || '%' ORDER BY id DESC LIMIT 1`,
    [email, path],
  );
  expect(mail).toBeDefined();
  return mail.link;
}

/** The token of that link. */
export async function mailedToken(api: TestApp, email: string, path: string): Promise<string> {
  return new URL(await mailedLink(api, email, path)).searchParams.get('token')!;
}

/** Registers an account without proving its mailbox: it may sign in, not enrol. */
export async function registerUnverified(api: TestApp, email: string, profile: Record<string, unknown> = {}): Promise<void> {
  const { register: payload } = await api.data<{ register: { accessToken: string | null; user: { id: string } | null; userErrors: UserErrorView[] } }>(
    `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } userErrors { field code message } } }`,
    { input: { email, password: PASSWORD, displayName: email.split('@')[0], ...profile } },
  );
  expect(payload).toEqual({ accessToken: null, user: null, userErrors: [] });
}

/** Follows the verification link mailed to `email`; the signed-in session. */
export async function verifyMailbox(api: TestApp, email: string): Promise<Person> {
  const token = await mailedToken(api, email, '/verification');
  const { verifyEmail } = await api.data<{ verifyEmail: { accessToken: string | null; user: { id: string } | null; userErrors: UserErrorView[] } }>(
    `mutation($token: String!) { verifyEmail(token: $token) { accessToken user { id } userErrors { field code message } } }`,
    { token },
  );
  expect(verifyEmail.userErrors).toEqual([]);
  return { token: verifyEmail.accessToken!, id: verifyEmail.user!.id };
}

/** Registers an agent (display name: the e-mail's local part), verifies the mailbox, and returns their id. */
export async function register(api: TestApp, email: string, profile: Record<string, unknown> = {}): Promise<string> {
  await registerUnverified(api, email, profile);
  return (await verifyMailbox(api, email)).id;
}

export async function grant(api: TestApp, adminToken: string, userId: string, role: string, partner: string | null = null): Promise<void> {
  const { grantRole } = await api.data<{ grantRole: { userErrors: UserErrorView[] } }>(
    `mutation($userId: ID!, $role: Role!, $partner: String) { grantRole(userId: $userId, role: $role, partner: $partner) { userErrors { field code message } } }`,
    { userId, role, partner },
    bearer(adminToken),
  );
  expect(grantRole.userErrors).toEqual([]);
}

/** Registers `email`, grants it the roles, and signs it in (the token then carries the roles). */
export async function person(api: TestApp, adminToken: string, email: string, roles: [role: string, partner?: string][] = []): Promise<Person> {
  const id = await register(api, email);
  for (const [role, partner] of roles) await grant(api, adminToken, id, role, partner ?? null);
  return login(api, email);
}

let created = 0;

/**
 * `count` agents of `partner`'s e-mail domain written straight to the database, with tokens signed
 * by the app's own secret: for tests that need many people (registering each would hash a password).
 */
export async function agents(api: TestApp, count: number, profile: { domain?: string; category?: string | null; functions?: string[] } = {}): Promise<Person[]> {
  const batch = ++created;
  const rows = await api.sql<{ id: string }>(
    `INSERT INTO user_account (email, password_hash, display_name, employer_id, category, functions, email_verified)
     SELECT 'agent' || n || '.lot' || $2 || '@' || $3, '!', 'Agent ' || n || ' du lot ' || $2,
       (SELECT id FROM partner WHERE $3 = ANY(email_domains)), CAST($4 AS user_account_category_enum), $5::text[], true
     FROM generate_series(1, $1::int) AS n ORDER BY n RETURNING id`,
    [count, batch, profile.domain ?? 'agriculture.gouv.fr', profile.category === undefined ? 'A' : profile.category, profile.functions ?? []],
  );
  const secret = await resolveJwtSecret(api.app.config);
  return rows.map(row => ({ id: Buffer.from(`User:${row.id}`).toString('base64url'), token: signAccessToken(secret, row.id, []) }));
}
