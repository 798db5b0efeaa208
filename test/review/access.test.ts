import { clientToken } from '../support/accounts';
import { archive, createDraft, createSession, editorialTeam, review, submit, updateTraining } from '../support/editorial';
import { ADMIN_ENV, bearer, person, type Person } from '../support/people';
import { nodeIds, startTestApp, type Edges, type TestApp } from '../support/test-app';

let api: TestApp;
const tokens: Record<string, string | null> = { anonymous: null };
let editor: Person;
let editorial: Person;
let technical: Person;

/** One `maa` training in each status, each with a session. */
const trainings: Record<string, { id: string; slug: string; sessionId: string }> = {};
const STATUSES = ['DRAFT', 'SUBMITTED', 'CHANGES_REQUESTED', 'REJECTED', 'PUBLISHED', 'ARCHIVED'];

const ROLES = [
  'anonymous',
  'agent',
  'HR correspondent of maa',
  'API client of maa',
  'editor of dgafp',
  'editor of maa',
  'editorial committee',
  'technical committee',
  'admin',
];
/** Who sees every status of a `maa` training; everybody else sees PUBLISHED ones only. */
const SEES_ALL = new Set(['editor of maa', 'editorial committee', 'technical committee', 'admin']);

beforeAll(async () => {
  api = await startTestApp(ADMIN_ENV);
  const team = await editorialTeam(api);
  ({ editor, editorial, technical } = team);
  const { admin } = team;
  tokens.admin = admin.token;
  tokens['editor of maa'] = editor.token;
  tokens['editorial committee'] = editorial.token;
  tokens['technical committee'] = technical.token;
  tokens.agent = (await person(api, admin.token, 'agent@agriculture.gouv.fr')).token;
  tokens['HR correspondent of maa'] = (await person(api, admin.token, 'rh@agriculture.gouv.fr', [['HR_CORRESPONDENT', 'maa']])).token;
  tokens['editor of dgafp'] = (await person(api, admin.token, 'editeur@fonction-publique.gouv.fr', [['EDITOR', 'dgafp']])).token;
  tokens['API client of maa'] = await clientToken(api, admin.token, 'maa', ['catalogue:write', 'enrolments:complete'], { name: 'SI MAA' });

  for (const status of STATUSES) {
    const draft = await createDraft(api, editor.token, { title: `Formation témoin ${status.toLowerCase().replace('_', ' ')}` });
    const sessionId = await createSession(api, editor.token, draft.id, { startsAt: '2030-01-10T09:00:00Z', endsAt: '2030-01-10T17:00:00Z' });
    trainings[status] = { ...draft, sessionId };
    if (status === 'DRAFT') continue;
    await submit(api, editor.token, draft.id);
    if (status === 'CHANGES_REQUESTED') await review(api, editorial.token, draft.id, 'EDITORIAL', 'REQUEST_CHANGES', 'À revoir.');
    if (status === 'REJECTED') await review(api, editorial.token, draft.id, 'EDITORIAL', 'REJECT', 'Non.');
    if (status === 'PUBLISHED' || status === 'ARCHIVED') {
      await review(api, editorial.token, draft.id, 'EDITORIAL', 'APPROVE');
      await review(api, technical.token, draft.id, 'TECHNICAL', 'APPROVE');
    }
    if (status === 'ARCHIVED') await archive(api, editor.token, draft.id);
  }
  await updateTraining(api, editor.token, trainings.PUBLISHED.id, { summary: 'Résumé proposé' });
  const [{ statuses }] = await api.sql<{ statuses: string[] }>(`SELECT array_agg(status::text ORDER BY status::text) AS statuses FROM training WHERE title LIKE 'Formation témoin%'`);
  expect(statuses).toEqual([...STATUSES].sort());
});
afterAll(() => api.stop());

const visible = (role: string, status: string) => status === 'PUBLISHED' || SEES_ALL.has(role);
const CASES = ROLES.flatMap(role => STATUSES.map(status => [role, status] as const));

describe('who sees a training in each status', () => {
  test.each(CASES)('%s, %s: lists, slug, node(id) and nested paths agree', async (role, status) => {
    const target = trainings[status];
    const expected = visible(role, status);
    type Seen = { listed: Edges<{ id: string }>; bySlug: { id: string } | null; byId: { id: string } | null; session: object | null };
    const seen = await api.data<Seen>(
      `query($slug: String!, $id: ID!, $sessionId: ID!, $statuses: [TrainingStatus!]) {
        listed: trainings(search: "témoin", filter: { statuses: $statuses }, first: 100) { edges { node { id } } }
        bySlug: training(slug: $slug) { id }
        byId: node(id: $id) { id }
        session: node(id: $sessionId) { id ... on TrainingSession { training { id } } }
      }`,
      { slug: target.slug, id: target.id, sessionId: target.sessionId, statuses: STATUSES },
      bearer(tokens[role]),
    );
    const listed = nodeIds(seen.listed);
    expect(listed.includes(target.id)).toBe(expected);
    expect(seen.bySlug).toEqual(expected ? { id: target.id } : null);
    expect(seen.byId).toEqual(expected ? { id: target.id } : null);
    expect(seen.session).toEqual(expected ? { id: target.sessionId, training: { id: target.id } } : null);
  });

  test.each(ROLES)('%s: without `statuses` the catalogue shows published trainings only', async role => {
    const { trainings: listed } = await api.data<{ trainings: Edges<object> & { totalCount: number } }>(
      `{ trainings(search: "témoin", first: 100) { totalCount edges { node { id status } } facets { partners { count } } } }`, undefined, bearer(tokens[role]));
    expect(listed.edges).toEqual([{ node: { id: trainings.PUBLISHED.id, status: 'PUBLISHED' } }]);
    expect(listed.totalCount).toBe(1);
  });

  test.each(ROLES)('%s: collection counts and facets count published trainings only', async role => {
    const [{ published }] = await api.sql<{ published: number }>(`SELECT count(*)::int AS published FROM training t JOIN collection c ON c.id = t.collection_id
      WHERE c.slug = 'numerique' AND t.status = 'PUBLISHED'`);
    const { collections, trainings: found } = await api.data<{
      collections: { slug: string; trainingCount: number }[];
      trainings: { facets: { collections: { collection: { slug: string }; count: number }[] } };
    }>(`{ collections { slug trainingCount } trainings(search: "témoin") { facets { collections { collection { slug } count } } } }`, undefined, bearer(tokens[role]));
    expect(collections.find(collection => collection.slug === 'numerique')?.trainingCount).toBe(published);
    expect(found.facets.collections.find(facet => facet.collection.slug === 'numerique')?.count).toBe(1);
  });

  test('an editor of another partner asking for drafts gets none of maa’s', async () => {
    const { trainings: drafts } = await api.data<{ trainings: { totalCount: number } }>(
      `{ trainings(filter: { statuses: [DRAFT, SUBMITTED], partners: ["maa"] }) { totalCount } }`, undefined, bearer(tokens['editor of dgafp']));
    expect(drafts.totalCount).toBe(0);
  });

  test.each(ROLES)('%s: reviews and the pending revision of a published training', async role => {
    const { training } = await api.data<{ training: { reviews: { id: string }[]; pendingRevision: { id: string } | null } }>(
      `query($slug: String!) { training(slug: $slug) { reviews { id decision } pendingRevision { id summary } } }`,
      { slug: trainings.PUBLISHED.slug },
      bearer(tokens[role]),
    );
    const follows = SEES_ALL.has(role);
    expect(training.reviews).toHaveLength(follows ? 2 : 0);
    expect(training.pendingRevision).toEqual(follows ? { id: expect.any(String), summary: 'Résumé proposé' } : null);
    if (follows) {
      const hidden = await api.gql(`query($review: ID!, $revision: ID!) { review: node(id: $review) { id } revision: node(id: $revision) { id } }`,
        { review: training.reviews[0].id, revision: training.pendingRevision?.id }, bearer(tokens.anonymous));
      expect(hidden.body.data).toEqual({ review: null, revision: null });
    }
  });
});

describe('authorization matrix of the editorial operations', () => {
  type Kind = 'published' | 'revision drafted' | 'submitted';
  /** A fresh `maa` training with a session, in the state where the operation succeeds for those allowed. */
  async function target(kind: Kind): Promise<{ id: string; sessionId: string }> {
    const draft = await createDraft(api, editor.token);
    const sessionId = await createSession(api, editor.token, draft.id, { startsAt: '2030-02-10T09:00:00Z', endsAt: '2030-02-10T17:00:00Z' });
    await submit(api, editor.token, draft.id);
    if (kind !== 'submitted') {
      await review(api, editorial.token, draft.id, 'EDITORIAL', 'APPROVE');
      await review(api, technical.token, draft.id, 'TECHNICAL', 'APPROVE');
    }
    if (kind === 'revision drafted') await updateTraining(api, editor.token, draft.id, { summary: 'Révision' });
    return { id: draft.id, sessionId };
  }

  const EDITORS = ['editor of maa', 'admin'];
  const OPERATIONS: [name: string, query: string, allowed: string[], kind: Kind][] = [
    ['createTraining', `mutation { createTraining(input: { partner: "maa", collection: "numerique", licence: "CC0-1.0", title: "Matrice", summary: "Résumé", objectives: ["Un"], modality: WEBINAR }) { userErrors { code } } }`, EDITORS, 'published'],
    ['updateTraining', `mutation($id: ID!) { updateTraining(id: $id, input: { summary: "Modifié" }) { userErrors { code } } }`, EDITORS, 'published'],
    ['submitTraining', `mutation($id: ID!) { submitTraining(id: $id) { userErrors { code } } }`, EDITORS, 'revision drafted'],
    ['archiveTraining', `mutation($id: ID!) { archiveTraining(id: $id) { userErrors { code } } }`, EDITORS, 'published'],
    ['createSession', `mutation($id: ID!) { createSession(input: { trainingId: $id, startsAt: "2030-03-01T09:00:00Z", endsAt: "2030-03-01T12:00:00Z" }) { userErrors { code } } }`, EDITORS, 'published'],
    ['updateSession', `mutation($sessionId: ID!) { updateSession(id: $sessionId, input: { capacity: 30 }) { userErrors { code } } }`, EDITORS, 'published'],
    ['cancelSession', `mutation($sessionId: ID!) { cancelSession(id: $sessionId) { userErrors { code } } }`, EDITORS, 'published'],
    ['reviewTraining as EDITORIAL', `mutation($id: ID!) { reviewTraining(input: { trainingId: $id, committee: EDITORIAL, decision: APPROVE }) { userErrors { code } } }`, ['editorial committee'], 'submitted'],
    ['reviewTraining as TECHNICAL', `mutation($id: ID!) { reviewTraining(input: { trainingId: $id, committee: TECHNICAL, decision: APPROVE }) { userErrors { code } } }`, ['technical committee'], 'submitted'],
    ['reviewQueue', `{ reviewQueue(committee: EDITORIAL) { totalCount } }`, ['editorial committee', 'technical committee', 'admin'], 'submitted'],
  ];
  const MATRIX = OPERATIONS.flatMap(([name, query, allowed, kind]) => ROLES.map(role => [name, role, query, allowed, kind] as const));

  const shared = new Map<Kind, { id: string; sessionId: string }>();
  const snapshot = () =>
    api.sql(`SELECT (SELECT count(*) FROM training)::int AS trainings, (SELECT count(*) FROM review)::int AS reviews,
      (SELECT count(*) FROM training_revision)::int AS revisions, (SELECT count(*) FROM training_session)::int AS sessions,
      (SELECT max(updated_at) FROM training)::text AS trainings_changed, (SELECT max(updated_at) FROM training_session)::text AS sessions_changed,
      (SELECT max(updated_at) FROM training_revision)::text AS revisions_changed`);

  test.each(MATRIX)('%s as %s', async (name, role, query, allowed, kind) => {
    // A refused call changes nothing, so refusals share one target; an allowed one gets its own.
    const permitted = allowed.includes(role);
    const { id, sessionId } = permitted ? await target(kind) : (shared.get(kind) ?? shared.set(kind, await target(kind)).get(kind)!);
    const variables = Object.fromEntries(Object.entries({ id, sessionId }).filter(([key]) => query.includes(`$${key}`)));
    const before = await snapshot();
    const { body } = await api.gql(query, variables, bearer(tokens[role]));
    if (permitted) {
      expect(body.errors).toBeUndefined();
      const payload = Object.values(body.data as object)[0] as { userErrors?: unknown[] };
      if (name !== 'reviewQueue') expect(payload.userErrors).toEqual([]);
    } else {
      expect(body.errors?.[0].extensions?.code).toBe(role === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      expect(await snapshot()).toEqual(before);
    }
  });

  test('a revoked EDITOR role stops working at once, with the token still valid', async () => {
    const { id } = await target('published');
    const admin = tokens.admin!;
    const former = await person(api, admin, 'ancien.editeur@agriculture.gouv.fr', [['EDITOR', 'maa']]);
    const revoked = await api.data<{ revokeRole: { userErrors: unknown[] } }>(
      `mutation($userId: ID!) { revokeRole(userId: $userId, role: EDITOR, partner: "maa") { userErrors { code } } }`, { userId: former.id }, bearer(admin));
    expect(revoked.revokeRole.userErrors).toEqual([]);
    const { body } = await api.gql(`mutation($id: ID!) { updateTraining(id: $id, input: { summary: "Après révocation" }) { userErrors { code } } }`, { id }, bearer(former.token));
    expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const drafts = await api.data<{ trainings: { totalCount: number } }>(`{ trainings(filter: { statuses: [DRAFT] }) { totalCount } }`, undefined, bearer(former.token));
    expect(drafts.trainings.totalCount).toBe(0);
  });
});
