import { createDraft, createSession, editorialTeam, publish, type EditorialTeam } from '../support/editorial';
import { ADMIN_ENV, agents, bearer, type Person } from '../support/people';
import { startTestApp, type TestApp } from '../support/test-app';
import { localId } from '../support/values';

/**
 * Seats taken and the length of the line live on the session row (kept by a trigger on enrolment)
 * so that lists read them without counting; a CHECK makes overbooking impossible in the database.
 */
let api: TestApp;
let team: EditorialTeam;
let training: string;

const ENROL = `mutation($sessionId: ID!) { enrol(sessionId: $sessionId) { enrolment { id status } userErrors { code } } }`;
type EnrolPayload = { enrol: { enrolment: { id: string; status: string } | null; userErrors: { code: string }[] } };

async function enrol(agent: Person, sessionId: string) {
  const response = await api.gql<EnrolPayload>(ENROL, { sessionId }, bearer(agent.token));
  expect(response.body.data!.enrol.userErrors).toEqual([]);
  return { enrolment: response.body.data!.enrol.enrolment!, statements: response.statements };
}

/** The counters on the row beside a count of the enrolments themselves. */
async function counters(sessionId: string): Promise<{ stored: unknown; counted: unknown }> {
  const [stored] = await api.sql('SELECT seats_taken AS taken, waitlist_length AS waiting FROM training_session WHERE id = $1', [localId(sessionId)]);
  const [counted] = await api.sql(
    `SELECT (count(*) FILTER (WHERE status IN ('CONFIRMED', 'COMPLETED')))::int AS taken, (count(*) FILTER (WHERE status = 'WAITLISTED'))::int AS waiting
     FROM enrolment WHERE session_id = $1`,
    [localId(sessionId)],
  );
  return { stored, counted };
}

beforeAll(async () => {
  api = await startTestApp(ADMIN_ENV);
  team = await editorialTeam(api);
  training = (await createDraft(api, team.editor.token)).id;
  await publish(api, team, training);
});
afterAll(() => api.stop());

test('the counters follow every change to the enrolments: enrol, cancel, capacity, completion, cancelled session', async () => {
  const people = await agents(api, 5);
  // Starts in 3 s (then completion is allowed); enrolment stays open until the end, so that the steps before need not hurry.
  const endsAt = new Date(Date.now() + 86_400_000).toISOString();
  const sessionId = await createSession(api, team.editor.token, training, {
    capacity: 2,
    startsAt: new Date(Date.now() + 3_000).toISOString(),
    endsAt,
    enrolmentOpensAt: new Date(Date.now() - 60_000).toISOString(),
    enrolmentClosesAt: endsAt,
  });
  const expectCounters = async (taken: number, waiting: number) => expect(await counters(sessionId)).toEqual({ stored: { taken, waiting }, counted: { taken, waiting } });

  const enrolments = [];
  for (const agent of people) enrolments.push((await enrol(agent, sessionId)).enrolment);
  await expectCounters(2, 3);

  const cancel = `mutation($id: ID!) { cancelEnrolment(enrolmentId: $id) { userErrors { code } } }`;
  expect((await api.data<{ cancelEnrolment: { userErrors: unknown[] } }>(cancel, { id: enrolments[0].id }, bearer(people[0].token))).cancelEnrolment.userErrors).toEqual([]);
  await expectCounters(2, 2);
  expect((await api.data<{ cancelEnrolment: { userErrors: unknown[] } }>(cancel, { id: enrolments[4].id }, bearer(people[4].token))).cancelEnrolment.userErrors).toEqual([]);
  await expectCounters(2, 1);

  const update = `mutation($id: ID!, $input: SessionUpdateInput!) { updateSession(id: $id, input: $input) { userErrors { code } } }`;
  expect((await api.data<{ updateSession: { userErrors: unknown[] } }>(update, { id: sessionId, input: { capacity: 3 } }, bearer(team.editor.token))).updateSession.userErrors).toEqual([]);
  await expectCounters(3, 0);

  await new Promise(resolve => setTimeout(resolve, 3_500)); // the session has started: completion is allowed (at most 3.5 s more)
  const complete = `mutation($id: ID!) { completeEnrolment(enrolmentId: $id) { userErrors { code } } }`;
  expect((await api.data<{ completeEnrolment: { userErrors: unknown[] } }>(complete, { id: enrolments[1].id }, bearer(team.admin.token))).completeEnrolment.userErrors).toEqual([]);
  await expectCounters(3, 0);

  const cancelSession = `mutation($id: ID!) { cancelSession(id: $id) { userErrors { code } } }`;
  expect((await api.data<{ cancelSession: { userErrors: unknown[] } }>(cancelSession, { id: sessionId }, bearer(team.editor.token))).cancelSession.userErrors).toEqual([]);
  await expectCounters(1, 0); // the completed enrolment keeps its seat's history
});

test('the database refuses an enrolment past the capacity, whatever the code does', async () => {
  const [first, second] = await agents(api, 2);
  const sessionId = await createSession(api, team.editor.token, training, { capacity: 1 });
  expect((await enrol(first, sessionId)).enrolment.status).toBe('CONFIRMED');
  await expect(
    api.sql(`INSERT INTO enrolment (user_id, session_id, status) VALUES ($1, $2, 'CONFIRMED')`, [localId(second.id), localId(sessionId)]),
  ).rejects.toThrow(/CHK_training_session_seats/);
  await expect(api.sql(`UPDATE training_session SET capacity = 0 WHERE id = $1`, [localId(sessionId)])).rejects.toThrow(/CHK_training_session_seats/);
  expect(await counters(sessionId)).toEqual({ stored: { taken: 1, waiting: 0 }, counted: { taken: 1, waiting: 0 } });
});

test('a new enrolment costs three SQL statements (at most six, the target), a seat or a place in line alike', async () => {
  const [first, second] = await agents(api, 2);
  const sessionId = await createSession(api, team.editor.token, training, { capacity: 1 });
  const confirmed = await enrol(first, sessionId);
  const waitlisted = await enrol(second, sessionId);
  expect([confirmed.enrolment.status, waitlisted.enrolment.status]).toEqual(['CONFIRMED', 'WAITLISTED']);
  expect(confirmed.statements).toBe(3);
  expect(waitlisted.statements).toBe(3);
});

test('a session whose times hold microseconds (written by SQL) is enrolled in three statements too', async () => {
  const [agent] = await agents(api, 1);
  const sessionId = await createSession(api, team.editor.token, training, { capacity: 5 });
  await api.sql(`UPDATE training_session SET starts_at = starts_at + interval '123 microseconds', ends_at = ends_at + interval '456 microseconds' WHERE id = $1`, [localId(sessionId)]);
  const { enrolment, statements } = await enrol(agent, sessionId);
  expect(enrolment.status).toBe('CONFIRMED');
  expect(statements).toBe(3);
});
