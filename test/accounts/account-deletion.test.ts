import { clientToken } from '../support/accounts';
import { download, uploadRaw } from '../support/files';
import { createDraft, createSession, editorialTeam, publish, type EditorialTeam } from '../support/editorial';
import { ADMIN_ENV, bearer, login, PASSWORD, person, register, type Person } from '../support/people';
import { startTestApp, type TestApp, type UserErrorView } from '../support/test-app';
import { day, localId } from '../support/values';
import { statusOf } from '../support/http';

const DELETE_MINE = `mutation($password: String!, $revoke: Boolean) {
  deleteMyAccount(password: $password, revokeAttestations: $revoke) { deletedId userErrors { field code message } } }`;
const DELETE_ANY = `mutation($userId: ID!, $revoke: Boolean) {
  deleteAccount(userId: $userId, revokeAttestations: $revoke) { deletedId userErrors { field code message } } }`;
const VERIFY = `query($code: String!) { verifyAttestation(code: $code) { valid attestation { holderName } } }`;

interface DeletePayload {
  deletedId: string | null;
  userErrors: UserErrorView[];
}

let api: TestApp;
let team: EditorialTeam;
let trainingId: string;
let addresses = 0;

beforeAll(async () => {
  api = await startTestApp(ADMIN_ENV);
  team = await editorialTeam(api);
  trainingId = (await createDraft(api, team.editor.token, { title: 'Protéger les données personnelles' })).id;
  await publish(api, team, trainingId);
});
afterAll(() => api?.stop());

/** A verified agent of maa who signs in with PASSWORD, and their address. */
async function agent(): Promise<Person & { email: string }> {
  const email = `rgpd.${++addresses}@agriculture.gouv.fr`;
  await register(api, email);
  return { ...(await login(api, email)), email };
}

async function enrol(who: Person, sessionId: string): Promise<{ id: string; status: string }> {
  const { enrol } = await api.data<{ enrol: { enrolment: { id: string; status: string }; userErrors: UserErrorView[] } }>(
    `mutation($sessionId: ID!) { enrol(sessionId: $sessionId) { enrolment { id status } userErrors { code } } }`, { sessionId }, bearer(who.token));
  expect(enrol.userErrors).toEqual([]);
  return enrol.enrolment;
}

interface Completed {
  enrolmentId: string;
  attestationId: string;
  code: string;
}

/** A completion in a session under way, by the editor, and its attestation. */
async function completion(who: Person): Promise<Completed> {
  const sessionId = await createSession(api, team.editor.token, trainingId, { startsAt: day(-1), endsAt: day(1), enrolmentOpensAt: day(-2), enrolmentClosesAt: day(0.5) });
  const { id } = await enrol(who, sessionId);
  const { completeEnrolment } = await api.data<{ completeEnrolment: { enrolment: { attestation: { id: string; code: string } } } }>(
    `mutation($id: ID!) { completeEnrolment(enrolmentId: $id) { enrolment { attestation { id code } } } }`, { id }, bearer(team.editor.token));
  const { attestation } = completeEnrolment.enrolment;
  return { enrolmentId: id, attestationId: attestation.id, code: attestation.code };
}

/** A completion's attestation code. */
const completedAttestation = async (who: Person) => (await completion(who)).code;

const deleteMine = async (who: Person, password: string, revoke?: boolean) =>
  (await api.data<{ deleteMyAccount: DeletePayload }>(DELETE_MINE, { password, revoke }, bearer(who.token))).deleteMyAccount;
const deleteAny = async (token: string, userId: string, revoke?: boolean) =>
  (await api.data<{ deleteAccount: DeletePayload }>(DELETE_ANY, { userId, revoke }, bearer(token))).deleteAccount;
const accountExists = async (userId: string) => (await api.sql('SELECT 1 FROM user_account WHERE id = $1', [localId(userId)])).length === 1;
const verify = async (code: string) => (await api.data<{ verifyAttestation: { valid: boolean; attestation: { holderName: string } | null } }>(VERIFY, { code })).verifyAttestation;

describe('deleteMyAccount', () => {
  test('frees the seat for the first in line, keeps history anonymised and the attestation verifiable, and erases the rest', async () => {
    const leaving = await agent();
    const waiting = await agent();
    const completed = await completion(leaving);
    const { code } = completed;
    const sessionId = await createSession(api, team.editor.token, trainingId, { capacity: 1 });
    const seat = await enrol(leaving, sessionId);
    const file = (await uploadRaw(api, leaving.token, Buffer.from('pièce personnelle'), 'piece.txt', 'text/plain')).body;
    expect(file.id).toEqual(expect.any(String));
    expect((await enrol(waiting, sessionId)).status).toBe('WAITLISTED');
    const refresh = (await api.data<{ login: { refreshToken: string } }>(
      `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { refreshToken } }`, { email: leaving.email, password: PASSWORD })).login.refreshToken;

    expect(await deleteMine(leaving, PASSWORD)).toEqual({ deletedId: leaving.id, userErrors: [] });

    // The seat went to the first in line, who is told.
    const [waitingEnrolment] = await api.sql(`SELECT status FROM enrolment WHERE user_id = $1`, [localId(waiting.id)]);
    expect(waitingEnrolment.status).toBe('CONFIRMED');
    const [session] = await api.sql(`SELECT seats_taken, waitlist_length FROM training_session WHERE id = $1`, [localId(sessionId)]);
    expect(session).toEqual({ seats_taken: 1, waitlist_length: 0 });
    const promotedMail = await api.sql(`SELECT 1 FROM outbox_message WHERE channel = 'mail' AND payload->>'to' = $1 AND payload->>'subject' LIKE 'Une place%'`, [waiting.email]);
    expect(promotedMail.length).toBeGreaterThan(0);

    // History keeps both enrolments, without their agent; the editor still reads them.
    expect(await api.sql(`SELECT status, user_id FROM enrolment WHERE id = $1`, [localId(seat.id)])).toEqual([{ status: 'CANCELLED', user_id: null }]);
    const seen = await api.data<{ node: { agentName: string; user: null; status: string } | null }>(
      `query($id: ID!) { node(id: $id) { ... on Enrolment { agentName user { id } status } } }`, { id: seat.id }, bearer(team.editor.token));
    expect(seen.node).toEqual({ agentName: 'Compte supprimé', user: null, status: 'CANCELLED' });
    expect((await api.data<{ node: unknown }>(`query($id: ID!) { node(id: $id) { id } }`, { id: seat.id }, bearer(waiting.token))).node).toBeNull();
    // The completed one too, but not its attestation, which names the holder: that is checked by its code only.
    const done = await api.data<{ node: { agentName: string; attestation: unknown } }>(
      `query($id: ID!) { node(id: $id) { ... on Enrolment { agentName attestation { holderName } } } }`, { id: completed.enrolmentId }, bearer(team.editor.token));
    expect(done.node).toEqual({ agentName: 'Compte supprimé', attestation: null });
    for (const token of [team.editor.token, team.admin.token]) {
      expect((await api.data<{ node: unknown }>(`query($id: ID!) { node(id: $id) { id } }`, { id: completed.attestationId }, bearer(token))).node).toBeNull();
    }

    // The attestation stays verifiable: the name it was signed with is part of it.
    expect(await verify(code)).toEqual({ valid: true, attestation: { holderName: leaving.email.split('@')[0] } });
    expect((await api.sql(`SELECT user_id FROM attestation WHERE code = $1`, [code]))[0].user_id).toBeNull();

    // Gone: the account, its tokens, grants, throttles and e-mails; its credentials and tokens work no more.
    expect(await accountExists(leaving.id)).toBe(false);
    expect(await api.sql(`SELECT 1 FROM personal_file WHERE id = $1`, [localId(file.id)])).toEqual([]);
    expect(await api.sql(`SELECT 1 FROM personal_file_chunk WHERE file_id = $1`, [localId(file.id)])).toEqual([]);
    expect((await download(api, leaving.token, file.id)).status).toBe(404);
    for (const table of ['refresh_token', 'account_token', 'role_grant']) {
      expect(await api.sql(`SELECT 1 FROM ${table} WHERE user_id = $1`, [localId(leaving.id)])).toEqual([]);
    }
    expect(await api.sql(`SELECT 1 FROM outbox_message WHERE channel = 'mail' AND payload->>'to' = $1`, [leaving.email])).toEqual([]);
    const relogin = await api.data<{ login: { userErrors: UserErrorView[] } }>(
      `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { userErrors { code } } }`, { email: leaving.email, password: PASSWORD });
    expect(relogin.login.userErrors.map(error => error.code)).toEqual(['INVALID_CREDENTIALS']);
    const refreshed = await api.data<{ refreshToken: { accessToken: string | null; userErrors: UserErrorView[] } }>(
      `mutation($token: String!) { refreshToken(refreshToken: $token) { accessToken userErrors { code } } }`, { token: refresh });
    expect(refreshed.refreshToken.accessToken).toBeNull();
    // The access token outlives the account by its few minutes: it is refused at once anyway.
    const ghost = await api.gql(`{ myEnrolments { totalCount } }`, {}, bearer(leaving.token));
    expect(ghost.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await api.data<{ me: unknown }>(`{ me { id } }`, {}, bearer(leaving.token))).me).toBeNull();

    // Audited, with counts and no personal data.
    const [entry] = await api.sql(`SELECT actor, details FROM audit_entry WHERE action = 'ACCOUNT_DELETED' AND target = $1`, [leaving.id]);
    expect(entry.actor).toBe(leaving.id);
    expect(entry.details).toMatchObject({ by: 'SELF', revokeAttestations: false, released: 1, anonymised: 2, revoked: 0, files: 1 });
    expect(JSON.stringify(entry.details)).not.toContain(leaving.email);

    // The address is free again: a new account may be registered under it.
    const newcomer = await register(api, leaving.email);
    expect(newcomer).not.toBe(leaving.id);
  });

  test('asks for revocation: the attestation is no longer valid, nor printable', async () => {
    const leaving = await agent();
    const code = await completedAttestation(leaving);
    expect(await statusOf(`${api.origin}/attestations/${code}.pdf`)).toBe(200);
    expect((await deleteMine(leaving, PASSWORD, true)).userErrors).toEqual([]);
    expect(await verify(code)).toEqual({ valid: false, attestation: null });
    expect(await statusOf(`${api.origin}/attestations/${code}.pdf`)).toBe(404);
    // Nothing can verify it any more: the name and the signed credential (which holds it) go.
    expect(await api.sql(`SELECT holder_name, credential FROM attestation WHERE code = $1`, [code])).toEqual([{ holder_name: '', credential: '' }]);
  });

  test('in a session already over, attendance stays as it was (anonymised), and nobody is promoted into it', async () => {
    const leaving = await agent();
    const waiting = await agent();
    const sessionId = await createSession(api, team.editor.token, trainingId, { capacity: 1 });
    const seat = await enrol(leaving, sessionId);
    await enrol(waiting, sessionId);
    await api.sql(`UPDATE training_session SET starts_at = now() - interval '3 days', ends_at = now() - interval '2 days' WHERE id = $1`, [localId(sessionId)]);
    expect((await deleteMine(leaving, PASSWORD)).userErrors).toEqual([]);
    expect(await api.sql(`SELECT status, user_id FROM enrolment WHERE id = $1`, [localId(seat.id)])).toEqual([{ status: 'CONFIRMED', user_id: null }]);
    expect(await api.sql(`SELECT status FROM enrolment WHERE user_id = $1`, [localId(waiting.id)])).toEqual([{ status: 'WAITLISTED' }]);
  });

  test('a wrong password deletes nothing', async () => {
    const staying = await agent();
    const code = await completedAttestation(staying);
    expect(await deleteMine(staying, 'pas le bon mot de passe', true)).toEqual({
      deletedId: null,
      userErrors: [{ field: ['password'], code: 'INVALID_CREDENTIALS', message: expect.any(String) }],
    });
    expect(await accountExists(staying.id)).toBe(true);
    expect((await verify(code)).valid).toBe(true);
    await login(api, staying.email);
  });

  test('twice in one request (aliases: each a password check) is refused at validation, and nothing is deleted', async () => {
    const staying = await agent();
    const response = await api.gql(
      `mutation($p: String!) { a: deleteMyAccount(password: $p) { deletedId } b: deleteMyAccount(password: $p) { deletedId } }`,
      { p: PASSWORD },
      bearer(staying.token),
    );
    expect(response.body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await accountExists(staying.id)).toBe(true);
  });

  test('anonymous visitors and API clients cannot call it', async () => {
    const anonymous = await api.gql(DELETE_MINE, { password: PASSWORD });
    expect(anonymous.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const client = await clientToken(api, team.admin.token, 'maa', ['catalogue:write', 'hr:read', 'enrolments:complete', 'webhooks:manage']);
    const refused = await api.gql(DELETE_MINE, { password: PASSWORD }, bearer(client));
    expect(refused.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('a failure half-way leaves everything as it was (one transaction)', async () => {
    const leaving = await agent();
    const waiting = await agent();
    const sessionId = await createSession(api, team.editor.token, trainingId, { capacity: 1 });
    await enrol(leaving, sessionId);
    await enrol(waiting, sessionId);
    // The last step (the account's row) fails: seats, lines and anonymisation must all roll back.
    await api.sql(`CREATE FUNCTION refuse_deletion() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$`);
    await api.sql(`CREATE TRIGGER refuse_deletion BEFORE DELETE ON user_account FOR EACH ROW WHEN (OLD.id = '${localId(leaving.id)}') EXECUTE FUNCTION refuse_deletion()`);
    try {
      const failed = await api.gql(DELETE_MINE, { password: PASSWORD }, bearer(leaving.token));
      expect(failed.body.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await api.sql('DROP TRIGGER refuse_deletion ON user_account');
      await api.sql('DROP FUNCTION refuse_deletion()');
    }
    expect(await accountExists(leaving.id)).toBe(true);
    const statuses = await api.sql(`SELECT user_id, status FROM enrolment WHERE session_id = $1 ORDER BY enrolled_at`, [localId(sessionId)]);
    expect(statuses).toEqual([
      { user_id: localId(leaving.id), status: 'CONFIRMED' },
      { user_id: localId(waiting.id), status: 'WAITLISTED' },
    ]);
    expect(await api.sql(`SELECT 1 FROM audit_entry WHERE action = 'ACCOUNT_DELETED' AND target = $1`, [leaving.id])).toEqual([]);
  });
});

describe('deleteAccount (admins)', () => {
  test('deletes any account, revoking its attestations on request, audited as the admin', async () => {
    const target = await agent();
    const code = await completedAttestation(target);
    expect(await deleteAny(team.admin.token, target.id, true)).toEqual({ deletedId: target.id, userErrors: [] });
    expect(await accountExists(target.id)).toBe(false);
    expect((await verify(code)).valid).toBe(false);
    const [entry] = await api.sql(`SELECT actor, details FROM audit_entry WHERE action = 'ACCOUNT_DELETED' AND target = $1`, [target.id]);
    expect(entry).toMatchObject({ actor: team.admin.id, details: { by: 'ADMIN', revokeAttestations: true, revoked: 1 } });
  });

  test('an unknown, malformed or already deleted account is NOT_FOUND', async () => {
    const gone = await agent();
    await deleteAny(team.admin.token, gone.id);
    for (const userId of [gone.id, 'pas-un-identifiant', Buffer.from('Training:00000000-0000-0000-0000-000000000000').toString('base64url')]) {
      expect((await deleteAny(team.admin.token, userId)).userErrors.map(error => error.code)).toEqual(['NOT_FOUND']);
    }
  });

  test('everyone but admins is refused, and the account stays', async () => {
    const target = await agent();
    const hr = await person(api, team.admin.token, 'rh.rgpd@agriculture.gouv.fr', [['HR_CORRESPONDENT', 'maa']]);
    const client = await clientToken(api, team.admin.token, 'maa', ['catalogue:write', 'hr:read', 'enrolments:complete', 'webhooks:manage']);
    const refused: [string, string | null, string][] = [
      ['anonymous', null, 'UNAUTHENTICATED'],
      ['the agent themselves', target.token, 'FORBIDDEN'],
      ['an editor', team.editor.token, 'FORBIDDEN'],
      ['the editorial committee', team.editorial.token, 'FORBIDDEN'],
      ['the technical committee', team.technical.token, 'FORBIDDEN'],
      ['an HR correspondent of the employer', hr.token, 'FORBIDDEN'],
      ['an API client of the employer', client, 'FORBIDDEN'],
    ];
    for (const [who, token, code] of refused) {
      const response = await api.gql(DELETE_ANY, { userId: target.id }, bearer(token));
      expect({ who, code: response.body.errors?.[0].extensions?.code }).toEqual({ who, code });
    }
    expect(await accountExists(target.id)).toBe(true);
  });
});
