import { startTestApp, type Edges, type TestApp } from '../support/test-app';

let api: TestApp;
beforeAll(async () => {
  api = await startTestApp();
});
afterAll(() => api.stop());

const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');

const NODE = `query($id: ID!) { node(id: $id) { __typename id
  ... on Collection { slug } ... on Partner { slug } ... on Licence { code } ... on Training { slug }
  ... on TrainingSession { startsAt } ... on FaqEntry { question } ... on TourStep { target } } }`;

test('node(id) round-trips every type: the id read from a list resolves to the same object', async () => {
  type Listed = { id: string } & Record<string, string>;
  const lists = await api.data<{
    collections: Listed[]; partners: Listed[]; licences: Listed[]; faq: Listed[]; tour: Listed[];
    trainings: Edges<{ id: string; slug: string; sessions: Edges<Listed> }>;
  }>(`{
    collections { id slug } partners { id slug } licences { id code } faq { id question } tour { id target }
    trainings(first: 1) { edges { node { id slug sessions(first: 1) { edges { node { id startsAt } } } } } } }`);
  const training = lists.trainings.edges[0].node;
  const samples = [
    { __typename: 'Collection', ...lists.collections[0] },
    { __typename: 'Partner', ...lists.partners[0] },
    { __typename: 'Licence', ...lists.licences[0] },
    { __typename: 'FaqEntry', ...lists.faq[0] },
    { __typename: 'TourStep', ...lists.tour[0] },
    { __typename: 'Training', id: training.id, slug: training.slug },
    { __typename: 'TrainingSession', ...training.sessions.edges[0].node },
  ];
  for (const sample of samples) {
    const { body: resolved } = await api.gql(NODE, { id: sample.id });
    expect(resolved).toEqual({ data: { node: sample } });
  }
});

test('global ids are opaque and distinct across types', async () => {
  type Ids = { id: string }[];
  const lists = await api.data<{ collections: Ids; partners: Ids; licences: Ids }>('{ collections { id } partners { id } licences { id } }');
  const ids = [...lists.collections, ...lists.partners, ...lists.licences].map(item => item.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).not.toMatch(/^[0-9a-f-]{36}$/);
});

test.each([
  ['malformed', 'not an id at all!'],
  ['empty', ''],
  ['base64 of garbage', Buffer.from('garbage').toString('base64url')],
  ['type without uuid', Buffer.from('Training:42').toString('base64url')],
  ['unknown uuid', globalId('Training', '00000000-0000-4000-8000-000000000000')],
  ['unknown type', globalId('Spaceship', '00000000-0000-4000-8000-000000000000')],
  ['prototype key as type', globalId('constructor', '00000000-0000-4000-8000-000000000000')],
  ['very long', 'A'.repeat(5000)],
])('node(id) is null for a %s id', async (_, id) => {
  const { body } = await api.gql(NODE, { id });
  expect(body).toEqual({ data: { node: null } });
});

test('an id of one type with the type name swapped is null (foreign type)', async () => {
  const [{ id }] = await api.sql(`SELECT id FROM training WHERE status = 'PUBLISHED' LIMIT 1`);
  for (const type of ['Collection', 'Partner', 'TrainingSession', 'FaqEntry']) {
    const { body } = await api.gql(NODE, { id: globalId(type, id) });
    expect(body).toEqual({ data: { node: null } });
  }
});
