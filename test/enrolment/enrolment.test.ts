import { clientToken } from '../support/accounts';
import { createDraft, createSession, editorialTeam, publish, type EditorialTeam } from '../support/editorial';
import { ADMIN_ENV, agents, bearer, person, type Person } from '../support/people';
import { nodeIds, nodes, startTestApp, type Edges, type PageInfo, type TestApp, type UserErrorView } from '../support/test-app';
import { day, localId } from '../support/values';

let api: TestApp;
let team: EditorialTeam;
let admin: Person;
let editor: Person;
/** Published, open to category A agents of maa who are "encadrant". */
let restricted: string;
/** Published, open to all. */
let open: string;

const ENROL = `mutation($sessionId: ID!) { enrol(sessionId: $sessionId) {
  enrolment { id status waitlistPosition session { id seatsTaken seatsLeft waitlistLength } } userErrors { field code message } } }`;
const CANCEL = `mutation($id: ID!) { cancelEnrolment(enrolmentId: $id) { enrolment { id status waitlistPosition cancelledAt } userErrors { field code message } } }`;
interface EnrolmentView {
  id: string;
  status: string;
  waitlistPosition: number | null;
}
type EnrolPayload = { enrolment: (EnrolmentView & { session: { id: string; seatsTaken: number; seatsLeft: number | null; waitlistLength: number } }) | null; userErrors: UserErrorView[] };
type CancelPayload = { enrolment: (EnrolmentView & { cancelledAt: string | null }) | null; userErrors: UserErrorView[] };

/** enrol; its user errors are for the caller to check. */
const enrol = async (token: string, sessionId: string) => (await api.data<{ enrol: EnrolPayload }>(ENROL, { sessionId }, bearer(token))).enrol;
/** An enrolment that must go through (confirmed or waitlisted). */
async function enrolled(token: string, sessionId: string) {
  const payload = await enrol(token, sessionId);
  expect(payload.userErrors).toEqual([]);
  return payload.enrolment!;
}
const cancel = async (token: string, id: string) => (await api.data<{ cancelEnrolment: CancelPayload }>(CANCEL, { id }, bearer(token))).cancelEnrolment;

beforeAll(async () => {
  api = await startTestApp(ADMIN_ENV);
  team = await editorialTeam(api);
  ({ admin, editor } = team);
  restricted = (await createDraft(api, editor.token, { audienceRule: { partners: ['maa'], categories: ['A'], functions: ['Encadrant'] } })).id;
  open = (await createDraft(api, editor.token, { title: 'Ouverte à tous les agents', durationMinutes: 150 })).id;
  await publish(api, team, restricted);
  await publish(api, team, open);
});
afterAll(() => api.stop());

describe('eligibility', () => {
  const cases: [string, { domain?: string; category?: string | null; functions?: string[] }, string[]][] = [
    ['matches every axis', { category: 'A', functions: ['encadrant'] }, []],
    ['another employer', { domain: 'fonction-publique.gouv.fr', category: 'A', functions: ['encadrant'] }, [
      'Réservée aux agents de : Ministère de l’Agriculture et de l’Alimentation.',
    ]],
    ['another category', { category: 'B', functions: ['encadrant'] }, ['Réservée aux agents de catégorie A.']],
    ['no category given', { category: null, functions: ['encadrant'] }, ['Réservée aux agents de catégorie A. Indiquez votre catégorie dans votre profil.']],
    ['another function', { category: 'A', functions: ['formateur'] }, ['Réservée aux fonctions : encadrant.']],
    ['every axis missed', { domain: 'numerique.gouv.fr', category: 'C', functions: [] }, [
      'Réservée aux agents de : Ministère de l’Agriculture et de l’Alimentation.',
      'Réservée aux agents de catégorie A.',
      'Réservée aux fonctions : encadrant. Indiquez vos fonctions dans votre profil.',
    ]],
  ];

  test.each(cases)('%s: Training.eligibility, eligibleOnly and enrol agree', async (_, profile, reasons) => {
    const [agent] = await agents(api, 1, profile);
    const seen = await api.data<{ node: { eligibility: object | null } | null; trainings: Edges<{ id: string }> }>(`query($id: ID!) {
      node(id: $id) { ... on Training { eligibility { eligible reasons } } }
      trainings(filter: { eligibleOnly: true }, first: 100) { edges { node { id } } } }`, { id: restricted }, bearer(agent.token));
    expect(seen.node?.eligibility).toEqual({ eligible: reasons.length === 0, reasons });
    const listed = nodeIds(seen.trainings);
    expect(listed.includes(restricted)).toBe(reasons.length === 0);
    expect(listed).toContain(open);
    const sessionId = await createSession(api, editor.token, restricted);
    const answer = await enrol(agent.token, sessionId);
    if (reasons.length === 0) expect(answer.enrolment?.status).toBe('CONFIRMED');
    else expect(answer).toEqual({ enrolment: null, userErrors: [{ field: null, code: 'NOT_ELIGIBLE', message: reasons.join(' ') }] });
  });

  test('anonymous visitors have no eligibility and nothing is eligible for them', async () => {
    const { body } = await api.gql(`query($id: ID!) { node(id: $id) { ... on Training { eligibility { eligible } } }
      trainings(filter: { eligibleOnly: true }) { totalCount } }`, { id: open });
    expect(body.data).toEqual({ node: { eligibility: null }, trainings: { totalCount: 0 } });
  });
});

describe('enrolment window and cancelled sessions', () => {
  test.each([
    ['not open yet', { enrolmentOpensAt: day(2), enrolmentClosesAt: day(5) }, 'ENROLMENT_CLOSED', /ouvriront le/],
    ['closed', { startsAt: day(-1), endsAt: day(1), enrolmentOpensAt: day(-5), enrolmentClosesAt: day(-1) }, 'ENROLMENT_CLOSED', /closes depuis le/],
  ])('%s: refused, nothing written', async (_, window, code, message) => {
    const [agent] = await agents(api, 1);
    const sessionId = await createSession(api, editor.token, open, window);
    const refused = await enrol(agent.token, sessionId);
    expect(refused).toEqual({ enrolment: null, userErrors: [expect.objectContaining({ code, message: expect.stringMatching(message) })] });
    const local = localId(sessionId);
    expect(await api.sql(`SELECT count(*)::int AS n FROM enrolment WHERE session_id = $1`, [local])).toEqual([{ n: 0 }]);
  });

  test('a cancelled session refuses with SESSION_CANCELLED; a draft’s session is NOT_FOUND for agents', async () => {
    const [agent] = await agents(api, 1);
    const sessionId = await createSession(api, editor.token, open);
    await api.data(`mutation($id: ID!) { cancelSession(id: $id) { userErrors { code } } }`, { id: sessionId }, bearer(editor.token));
    expect((await enrol(agent.token, sessionId)).userErrors[0].code).toBe('SESSION_CANCELLED');
    const draft = await createDraft(api, editor.token);
    const draftSession = await createSession(api, editor.token, draft.id);
    expect((await enrol(agent.token, draftSession)).userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['sessionId'] })]);
    expect((await enrol(editor.token, draftSession)).userErrors[0].code).toBe('ENROLMENT_CLOSED');
    expect((await enrol(agent.token, 'nope')).userErrors[0].code).toBe('NOT_FOUND');
  });

  test('anonymous visitors and API clients may not enrol', async () => {
    const sessionId = await createSession(api, editor.token, open);
    expect((await api.gql(ENROL, { sessionId })).body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const asClient = await api.gql(ENROL, { sessionId }, bearer(await clientToken(api, admin.token, 'maa', ['enrolments:complete'])));
    expect(asClient.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('seats and the waiting line', () => {
  test('50 agents racing for 5 seats: exactly 5 confirmed, the others waiting in positions 1 to 45', async () => {
    const people = await agents(api, 50);
    const sessionId = await createSession(api, editor.token, open, { capacity: 5 });
    const results = await Promise.all(people.map(agent => enrol(agent.token, sessionId)));
    expect(results.map(result => result.userErrors)).toEqual(results.map(() => []));
    const enrolments = results.map(result => result.enrolment!);
    expect(enrolments.filter(enrolment => enrolment.status === 'CONFIRMED')).toHaveLength(5);
    const positions = enrolments.filter(enrolment => enrolment.status === 'WAITLISTED').map(enrolment => enrolment.waitlistPosition!);
    expect(positions.sort((a, b) => a - b)).toEqual(Array.from({ length: 45 }, (_, index) => index + 1));
    const { body } = await api.gql(`query($id: ID!) { node(id: $id) { ... on TrainingSession { capacity seatsTaken seatsLeft waitlistLength } } }`, { id: sessionId });
    expect(body.data.node).toEqual({ capacity: 5, seatsTaken: 5, seatsLeft: 0, waitlistLength: 45 });
  });

  test('an agent enrolling twice at once gets one enrolment, returned to every call', async () => {
    const [agent] = await agents(api, 1);
    const sessionId = await createSession(api, editor.token, open, { capacity: 3 });
    const results = await Promise.all(Array.from({ length: 6 }, () => enrolled(agent.token, sessionId)));
    expect(new Set(results.map(enrolment => enrolment.id)).size).toBe(1);
    const local = localId(sessionId);
    expect(await api.sql(`SELECT count(*)::int AS n FROM enrolment WHERE session_id = $1`, [local])).toEqual([{ n: 1 }]);
  });

  test('cancelling a seat promotes the first in line at once; the line closes up', async () => {
    const people = await agents(api, 5);
    const sessionId = await createSession(api, editor.token, open, { capacity: 2 });
    const enrolments: EnrolmentView[] = [];
    for (const agent of people) enrolments.push(await enrolled(agent.token, sessionId));
    expect(enrolments.map(e => [e.status, e.waitlistPosition])).toEqual([
      ['CONFIRMED', null], ['CONFIRMED', null], ['WAITLISTED', 1], ['WAITLISTED', 2], ['WAITLISTED', 3],
    ]);
    const cancelled = await cancel(people[0].token, enrolments[0].id);
    expect(cancelled.enrolment).toMatchObject({ status: 'CANCELLED', waitlistPosition: null, cancelledAt: expect.any(String) });
    // Someone waiting leaves the line: the others move up.
    await cancel(people[3].token, enrolments[3].id);
    const mine = async (agent: Person) =>
      nodes((await api.data<{ myEnrolments: Edges<object> }>(`{ myEnrolments { edges { node { status waitlistPosition } } } }`, undefined, bearer(agent.token))).myEnrolments)[0];
    expect(await Promise.all(people.map(mine))).toEqual([
      { status: 'CANCELLED', waitlistPosition: null },
      { status: 'CONFIRMED', waitlistPosition: null },
      { status: 'CONFIRMED', waitlistPosition: null },
      { status: 'CANCELLED', waitlistPosition: null },
      { status: 'WAITLISTED', waitlistPosition: 1 },
    ]);
    expect((await cancel(people[0].token, enrolments[0].id)).userErrors[0]?.code).toBe('INVALID_TRANSITION');
    // Enrolling again after cancelling: a new enrolment, at the end of the line.
    const again = await enrol(people[0].token, sessionId);
    expect(again.enrolment).toMatchObject({ status: 'WAITLISTED', waitlistPosition: 2 });
  });

  test('who may cancel: the owner, the training’s editors, admins; others do not even see it', async () => {
    const [owner, stranger] = await agents(api, 2);
    const hr = await person(api, admin.token, 'rh.annulation@agriculture.gouv.fr', [['HR_CORRESPONDENT', 'maa']]);
    const sessionId = await createSession(api, editor.token, open);
    const enrolment = await enrolled(owner.token, sessionId);
    expect((await cancel(stranger.token, enrolment.id)).userErrors[0]?.code).toBe('NOT_FOUND');
    expect((await api.gql(CANCEL, { id: enrolment.id }, bearer(hr.token))).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await cancel(editor.token, enrolment.id)).enrolment?.status).toBe('CANCELLED');
  });
});

describe('reading enrolments', () => {
  test('myEnrolments pages newest first and filters by status', async () => {
    const [agent] = await agents(api, 1);
    const ids: string[] = [];
    for (let n = 0; n < 3; n += 1) ids.push((await enrolled(agent.token, await createSession(api, editor.token, open))).id);
    expect((await cancel(agent.token, ids[1])).userErrors).toEqual([]);
    type Page = Edges<{ id: string; status: string; training: { id: string; title: string } }> & { totalCount: number; pageInfo: PageInfo };
    const page = async (variables: Record<string, unknown>) =>
      (await api.data<{ myEnrolments: Page }>(`query($status: EnrolmentStatus, $after: String) { myEnrolments(status: $status, first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id status training { id title } } } } }`, variables, bearer(agent.token))).myEnrolments;
    const first = await page({});
    expect(first.totalCount).toBe(3);
    expect(nodeIds(first)).toEqual([ids[2], ids[1]]);
    const second = await page({ after: first.pageInfo.endCursor });
    expect(nodeIds(second)).toEqual([ids[0]]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const confirmed = await page({ status: 'CONFIRMED' });
    expect(nodeIds(confirmed)).toEqual([ids[2], ids[0]]);
    expect(confirmed.edges[0].node.training).toEqual({ id: open, title: 'Ouverte à tous les agents' });
  });

  test('a page of enrolments costs a fixed number of SQL statements, whatever its size', async () => {
    const [few, many] = await agents(api, 2);
    const sessions: string[] = [];
    for (let n = 0; n < 12; n += 1) sessions.push(await createSession(api, editor.token, open, { capacity: 1 }));
    await Promise.all(sessions.slice(0, 2).map(sessionId => enrol(few.token, sessionId)));
    await Promise.all(sessions.map(sessionId => enrol(many.token, sessionId)));
    const query = `{ myEnrolments(first: 50) { totalCount edges { node { id status waitlistPosition attestation { code } user { displayName }
      session { startsAt seatsTaken seatsLeft waitlistLength training { title partner { name } } } training { slug eligibility { eligible } } } } } }`;
    await api.gql(query, undefined, bearer(few.token)); // reference data are cached by the process: start from the same state
    const small = await api.gql<{ myEnrolments: Edges<object> }>(query, undefined, bearer(few.token));
    const large = await api.gql<{ myEnrolments: Edges<object> }>(query, undefined, bearer(many.token));
    expect(small.body.data?.myEnrolments.edges).toHaveLength(2);
    expect(large.body.data?.myEnrolments.edges).toHaveLength(12);
    expect(large.statements).toBe(small.statements);
  });

  test('an enrolment is read by its owner, the training’s editors, HR of the owner’s employer and admins only, node(id) included', async () => {
    const [owner, other] = await agents(api, 2);
    const enrolment = await enrolled(owner.token, await createSession(api, editor.token, open));
    const readers: [string, string | null, boolean][] = [
      ['owner', owner.token, true],
      ['editor of the partner', editor.token, true],
      ['HR correspondent of the employer', (await person(api, admin.token, 'rh.lecture@agriculture.gouv.fr', [['HR_CORRESPONDENT', 'maa']])).token, true],
      ['admin', admin.token, true],
      ['another agent', other.token, false],
      ['HR correspondent of another partner', (await person(api, admin.token, 'rh@fonction-publique.gouv.fr', [['HR_CORRESPONDENT', 'dgafp']])).token, false],
      ['editor of another partner', (await person(api, admin.token, 'editeur.lecture@fonction-publique.gouv.fr', [['EDITOR', 'dgafp']])).token, false],
      ['a committee', team.editorial.token, false],
      ['anonymous', null, false],
    ];
    // The account itself only for those who may see it; the others read the agent's name.
    const seesAccount = new Set(['owner', 'HR correspondent of the employer', 'admin']);
    for (const [who, token, reads] of readers) {
      const { body } = await api.gql(`query($id: ID!) { node(id: $id) { ... on Enrolment { id agentName user { id roles { role } category } } } }`,
        { id: enrolment.id }, bearer(token));
      const account = seesAccount.has(who) ? { id: owner.id, roles: [{ role: 'AGENT' }], category: 'A' } : null;
      const expected = reads ? { id: enrolment.id, agentName: expect.stringMatching(/^Agent 1 du lot \d+$/), user: account } : null;
      expect([who, body.data.node]).toEqual([who, expected]);
    }
  });
});
