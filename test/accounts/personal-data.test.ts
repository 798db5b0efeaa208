import { clientToken } from '../support/accounts';
import { download, uploadRaw } from '../support/files';
import { createDraft, createSession, editorialTeam, publish, review, submit, type EditorialTeam } from '../support/editorial';
import { ADMIN_ENV, bearer, grant, login, PASSWORD, register, type Person } from '../support/people';
import { startTestApp, type TestApp } from '../support/test-app';
import { day } from '../support/values';

const EXPORT = `{ exportMyData }`;

let api: TestApp;
let team: EditorialTeam;
let trainingId: string;

beforeAll(async () => {
  api = await startTestApp({ ...ADMIN_ENV, PUBLIC_URL: 'https://api.mentor.example.gouv.fr' });
  team = await editorialTeam(api);
  trainingId = (await createDraft(api, team.editor.token, { title: 'Archiver et conserver' })).id;
  await publish(api, team, trainingId);
});
afterAll(() => api?.stop());

async function enrolAndComplete(who: Person): Promise<{ enrolmentId: string; code: string }> {
  const sessionId = await createSession(api, team.editor.token, trainingId, { startsAt: day(-1), endsAt: day(1), enrolmentOpensAt: day(-2), enrolmentClosesAt: day(0.5) });
  const { enrol } = await api.data<{ enrol: { enrolment: { id: string } } }>(
    `mutation($sessionId: ID!) { enrol(sessionId: $sessionId) { enrolment { id } } }`, { sessionId }, bearer(who.token));
  const { completeEnrolment } = await api.data<{ completeEnrolment: { enrolment: { attestation: { code: string } } } }>(
    `mutation($id: ID!) { completeEnrolment(enrolmentId: $id) { enrolment { attestation { code } } } }`, { id: enrol.enrolment.id }, bearer(team.editor.token));
  return { enrolmentId: enrol.enrolment.id, code: completeEnrolment.enrolment.attestation.code };
}

const exportOf = async (who: Person) => (await api.data<{ exportMyData: Record<string, any> }>(EXPORT, {}, bearer(who.token))).exportMyData;

test('holds the profile, roles, sign-ins, enrolments, attestations and audit entries of the user, and nobody else’s', async () => {
  const email = 'export.moi@agriculture.gouv.fr';
  await register(api, email);
  const me = await login(api, email, PASSWORD);
  await grant(api, team.admin.token, me.id, 'HR_CORRESPONDENT', 'maa');
  const mine = await enrolAndComplete(me);
  const other = await register(api, 'export.autre@agriculture.gouv.fr').then(() => login(api, 'export.autre@agriculture.gouv.fr'));
  const theirs = await enrolAndComplete(other);
  const file = (await uploadRaw(api, me.token, Buffer.from('Mon CV, à jour.'), 'CV été 2026.txt', 'text/plain')).body;
  await uploadRaw(api, other.token, Buffer.from('Le leur'), 'le-leur.txt', 'text/plain');

  const data = await exportOf(me);
  expect(data).toMatchObject({
    format: 'mentor.personal-data.v1',
    profile: { id: me.id, email, displayName: 'export.moi', emailVerified: true, employer: { slug: 'maa' }, notificationPreferences: { reviewDecisions: true } },
    roles: [{ role: 'HR_CORRESPONDENT', partner: 'maa' }],
    enrolments: [{ id: mine.enrolmentId, status: 'COMPLETED', training: { id: trainingId, title: 'Archiver et conserver' } }],
    attestations: [{ code: mine.code, holderName: 'export.moi', pdfUrl: `https://api.mentor.example.gouv.fr/attestations/${mine.code}.pdf` }],
    files: [{ id: file.id, name: 'CV été 2026.txt', mimeType: 'text/plain', size: 16, sha256: file.sha256, downloadUrl: `https://api.mentor.example.gouv.fr/files/${file.id}` }],
    reviews: [],
  });
  // The link is the download route: the owner gets the bytes there (on this server's origin).
  const downloaded = await download(api, me.token, new URL(data.files[0].downloadUrl).pathname.split('/').pop()!);
  expect(downloaded.body.toString()).toBe('Mon CV, à jour.');
  expect(new Date(data.exportedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
  expect(data.signInSessions.length).toBeGreaterThanOrEqual(2);
  expect(data.auditEntriesAboutYou).toEqual([expect.objectContaining({ action: 'ROLE_GRANTED', actor: team.admin.id, target: me.id, details: { role: 'HR_CORRESPONDENT', partner: 'maa' } })]);
  expect(data.auditEntriesByYou).toEqual({ total: 0, latestListed: 1000, entries: [] });
  // The e-mails sent to them, by subject and date; not their bodies, which hold single-use links.
  expect(data.mails).toContainEqual(expect.objectContaining({ subject: 'Confirmez votre adresse e-mail sur Mentor', queuedAt: expect.any(String) }));
  expect(data.mails).toContainEqual(expect.objectContaining({ subject: 'Votre attestation : Archiver et conserver' }));
  expect(JSON.stringify(data.mails)).not.toMatch(/token=/);

  const text = JSON.stringify(data);
  expect(text).not.toContain(theirs.code);
  expect(text).not.toContain(theirs.enrolmentId);
  expect(text).not.toContain('export.autre');
  expect(text).not.toContain('le-leur.txt');
  // No secret: neither the password hash nor any token (the export may be mailed, stored, shared).
  const [{ password_hash: hash }] = await api.sql(`SELECT password_hash FROM user_account WHERE id = (SELECT id FROM user_account WHERE email = $1)`, [email]);
  expect(text).not.toContain(hash);
  for (const { token_hash: tokenHash } of await api.sql(`SELECT token_hash FROM refresh_token r JOIN user_account u ON u.id = r.user_id WHERE u.email = $1`, [email])) {
    expect(text).not.toContain(tokenHash);
  }
  expect(text).not.toContain(me.token);
});

test('a committee member’s export holds the decisions they signed', async () => {
  const draft = (await createDraft(api, team.editor.token, { title: 'Revue à exporter' })).id;
  await submit(api, team.editor.token, draft);
  await review(api, team.editorial.token, draft, 'EDITORIAL', 'REQUEST_CHANGES', 'Préciser les objectifs.');
  const data = await exportOf(team.editorial);
  // What they did is theirs too: the admin's grant shows in the admin's export.
  const admin = await exportOf(team.admin);
  expect(admin.auditEntriesByYou.total).toBeGreaterThanOrEqual(3);
  expect(admin.auditEntriesByYou.entries).toContainEqual(expect.objectContaining({ action: 'ROLE_GRANTED', target: team.editorial.id }));
  expect(data.reviews).toContainEqual(expect.objectContaining({ committee: 'EDITORIAL', decision: 'REQUEST_CHANGES', comment: 'Préciser les objectifs.', training: expect.objectContaining({ id: draft }) }));
});

test('anonymous visitors and API clients get no export', async () => {
  expect((await api.gql(EXPORT)).body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  const client = await clientToken(api, team.admin.token, 'maa', ['catalogue:write', 'hr:read', 'enrolments:complete', 'webhooks:manage']);
  const refused = await api.gql(EXPORT, {}, bearer(client));
  expect(refused.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  expect(refused.body.data).toBeNull();
});
