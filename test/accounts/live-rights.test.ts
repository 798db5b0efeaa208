import { createDraft, createSession, editorialTeam, publish } from '../support/editorial';
import { ADMIN_ENV, bearer, login, person, register, type Person } from '../support/people';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Who may see an account (and its e-mail address) is decided from the roles the database holds
 * now, not from those an access token was issued with: a revoked admin or HR correspondent reading
 * with a token still valid for up to 15 minutes learns nothing more through any path.
 */
let api: TestApp;
let admin: Person;
/** Admin and editor of maa; the admin role is revoked in the test, the editor role stays. */
let formerAdmin: Person;
/** HR correspondent of maa, revoked in the test. */
let formerHr: Person;
const agentEmail = 'agent.suivi@agriculture.gouv.fr';
let agentId: string;
let enrolmentId: string;
let trainingSlug: string;

interface AccountView {
  email: string | null;
}
interface Reads {
  user: AccountView | null;
  enrolment: { agentName: string; user: AccountView | null } | null;
  training: { reviews: { reviewerName: string | null; reviewer: AccountView | null }[] } | null;
}

const READS = `query($user: ID!, $enrolment: ID!, $slug: String!) {
  user: node(id: $user) { ... on User { email } }
  enrolment: node(id: $enrolment) { ... on Enrolment { agentName user { email } } }
  training(slug: $slug) { reviews { reviewerName reviewer { email } } } }`;

async function reads(token: string): Promise<Reads> {
  const { body } = await api.gql<Reads>(READS, { user: agentId, enrolment: enrolmentId, slug: trainingSlug }, bearer(token));
  expect(body.errors).toBeUndefined();
  return body.data!;
}

async function revoke(userId: string, role: string, partner: string | null): Promise<void> {
  const { body } = await api.gql(
    `mutation($userId: ID!, $role: Role!, $partner: String) { revokeRole(userId: $userId, role: $role, partner: $partner) { userErrors { code } } }`,
    { userId, role, partner },
    bearer(admin.token),
  );
  expect(body.data.revokeRole.userErrors).toEqual([]);
}

beforeAll(async () => {
  api = await startTestApp(ADMIN_ENV);
  const team = await editorialTeam(api);
  admin = team.admin;
  formerAdmin = await person(api, admin.token, 'ancien.admin@agriculture.gouv.fr', [['ADMIN'], ['EDITOR', 'maa']]);
  formerHr = await person(api, admin.token, 'ancienne.rh@agriculture.gouv.fr', [['HR_CORRESPONDENT', 'maa']]);

  const training = await createDraft(api, team.editor.token);
  trainingSlug = training.slug;
  await publish(api, team, training.id);
  const sessionId = await createSession(api, team.editor.token, training.id);
  agentId = await register(api, agentEmail);
  const agent = await login(api, agentEmail);
  const { body } = await api.gql(`mutation($id: ID!) { enrol(sessionId: $id) { enrolment { id } userErrors { code } } }`, { id: sessionId }, bearer(agent.token));
  expect(body.data.enrol.userErrors).toEqual([]);
  enrolmentId = body.data.enrol.enrolment.id;
});
afterAll(() => api.stop());

test('an admin reads accounts through every path, and a revoked one no longer does with the same token', async () => {
  const before = await reads(formerAdmin.token);
  expect(before.user).toEqual({ email: agentEmail });
  expect(before.enrolment).toEqual({ agentName: 'agent.suivi', user: { email: agentEmail } });
  expect(before.training!.reviews).toHaveLength(2);
  expect(before.training!.reviews.map(review => review.reviewer?.email)).toEqual(['comite.editorial@numerique.gouv.fr', 'comite.technique@numerique.gouv.fr']);

  await revoke(formerAdmin.id, 'ADMIN', null);

  // Still an editor of maa: the enrolment and the reviews stay readable, the accounts behind them do not.
  const after = await reads(formerAdmin.token);
  expect(after.user).toBeNull();
  expect(after.enrolment).toEqual({ agentName: 'agent.suivi', user: null });
  expect(after.training!.reviews.map(review => review.reviewer)).toEqual([null, null]);
  expect(after.training!.reviews.map(review => review.reviewerName)).toEqual(['comite.editorial', 'comite.technique']);
});

test("an HR correspondent reads the employer's agents, and a revoked one no longer does with the same token", async () => {
  const before = await reads(formerHr.token);
  expect(before.user).toEqual({ email: agentEmail });
  expect(before.enrolment).toEqual({ agentName: 'agent.suivi', user: { email: agentEmail } });

  await revoke(formerHr.id, 'HR_CORRESPONDENT', 'maa');

  const after = await reads(formerHr.token);
  expect(after.user).toBeNull();
  expect(after.enrolment).toBeNull();
});

test('the owner still reads their own account and enrolment', async () => {
  const own = await reads((await login(api, agentEmail)).token);
  expect(own.user).toEqual({ email: agentEmail });
  expect(own.enrolment).toEqual({ agentName: 'agent.suivi', user: { email: agentEmail } });
  expect(own.training!.reviews).toEqual([]);
});
