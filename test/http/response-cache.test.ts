import { createDraft, createSession, editorialTeam, publish, type EditorialTeam } from '../support/editorial';
import { ADMIN_ENV, agents, bearer } from '../support/people';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Anonymous catalogue reads are answered from a cache while the catalogue does not change; the
 * cache policy comes from the schema's @cacheControl hints; nothing asked with a token is cached
 * or served from the cache. (Several processes sharing Redis: response-cache-processes.test.ts.)
 */
// On the embedded database (PGlite) there is no response cache: no notification could invalidate it.
const onSharedServer = process.env.DATABASE_URL ? describe : describe.skip;
let api: TestApp;
let team: EditorialTeam;

const CATALOGUE = '{ trainings(first: 5) { totalCount edges { node { slug title partner { slug } } } } collections { slug } }';
const WITH_SEATS = '{ trainings(first: 3) { edges { node { slug sessions(first: 2) { edges { node { startsAt seatsLeft } } } } } } }';

interface Answer {
  status: number;
  cacheControl: string | null;
  vary: string | null;
  cache: string | null;
  body: { data?: Record<string, unknown>; errors?: unknown[] };
}

async function ask(query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(`${api.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    cacheControl: response.headers.get('cache-control'),
    vary: response.headers.get('vary'),
    cache: response.headers.get('x-cache'),
    body: (await response.json()) as Answer['body'],
  };
}

beforeAll(async () => {
  api = await startTestApp(ADMIN_ENV);
  team = await editorialTeam(api);
});
afterAll(() => api.stop());

describe('Cache-Control from the schema’s hints', () => {
  test.each([
    ['the catalogue', CATALOGUE, 'public, max-age=60'],
    ['seat counts: a few seconds', WITH_SEATS, 'public, max-age=5'],
    ['the FAQ and the tour', '{ faq { question } tour { title } }', 'public, max-age=60'],
    ['eligibility (depends on who asks)', '{ trainings(first: 2) { edges { node { slug eligibility { eligible } } } } }', 'no-store'],
    ['the signed-in user', '{ me { id } }', 'no-store'],
    ['node(id), which may reach anything', '{ node(id: "VHJhaW5pbmc6eA") { id } }', 'no-store'],
    ['introspection', '{ __schema { queryType { name } } }', 'no-store'],
    ['a mutation', 'mutation { logout(refreshToken: "nope") { loggedOut } }', 'no-store'],
    ['an answer with errors', '{ trainings(first: 500) { totalCount } }', 'no-store'],
  ])('%s: %s', async (_, query, expected) => {
    const answer = await ask(query);
    expect(answer.cacheControl).toBe(expected);
    expect(answer.vary).toMatch(/authorization/i);
  });

  test('anything asked with a token is private and never stored', async () => {
    const first = await ask(CATALOGUE, bearer(team.editor.token));
    const second = await ask(CATALOGUE, bearer(team.editor.token));
    expect([first.cacheControl, second.cacheControl]).toEqual(['private, no-store', 'private, no-store']);
    expect([first.cache, second.cache]).toEqual([null, null]);
  });
});

test('the cache is on where notifications reach the process (a PostgreSQL server), off on PGlite', async () => {
  const query = '{ collections { slug name } }';
  const answers = [await ask(query), await ask(query)];
  expect(answers.map(answer => answer.cache)).toEqual(api.app.database.separateSessions ? ['miss', 'hit'] : [null, null]);
});

onSharedServer('the cache', () => {
  test('a second anonymous read is a hit, the same answer, with no SQL', async () => {
    const query = '{ trainings(first: 4, orderBy: TITLE) { edges { node { slug } } } }';
    const first = await api.gql(query);
    const second = await api.gql(query);
    expect([first.headers.get('x-cache'), second.headers.get('x-cache')]).toEqual(['miss', 'hit']);
    expect(second.body).toEqual(first.body);
    expect(second.statements).toBe(0);
  });

  test('a GET needs the preflight header Apollo asks for, not an empty one; an empty Authorization is not anonymous for the cache', async () => {
    const search = `?query=${encodeURIComponent('{ collections { slug } }')}`;
    const get = (headers: Record<string, string>) => fetch(`${api.origin}/graphql${search}`, { headers });
    const preflighted = [await get({ 'apollo-require-preflight': 'true' }), await get({ 'apollo-require-preflight': 'true' })];
    expect(preflighted.map(response => response.headers.get('x-cache'))).toEqual(['miss', 'hit']);
    const empty = await get({ 'apollo-require-preflight': '' });
    expect(empty.status).toBe(400);
    expect(empty.headers.get('x-cache')).toBeNull();
    const blankToken = await ask('{ collections { slug } }', { authorization: '' });
    expect(blankToken.cache).toBeNull();
  });

  test('a draft an editor sees is never served to anyone else, and the editor never gets the public answer', async () => {
    const draft = await createDraft(api, team.editor.token, { title: 'Brouillon réservé aux éditeurs' });
    const query = '{ trainings(first: 100, filter: { statuses: [PUBLISHED, DRAFT] }) { edges { node { id status } } } }';
    const anonymousFirst = await ask(query);
    const editor = await ask(query, bearer(team.editor.token));
    const anonymousAgain = await ask(query);
    const ids = (answer: Answer) => (answer.body.data!.trainings as { edges: { node: { id: string } }[] }).edges.map(edge => edge.node.id);
    expect(ids(editor)).toContain(draft.id);
    expect(ids(anonymousFirst)).not.toContain(draft.id);
    expect(ids(anonymousAgain)).toEqual(ids(anonymousFirst));
    expect(anonymousAgain.cache).toBe('hit');
  });

  test('a published training shows at once: the catalogue change makes the cached list a miss', async () => {
    const query = '{ trainings(first: 100) { totalCount edges { node { slug } } } }';
    const before = await ask(query);
    expect((await ask(query)).cache).toBe('hit'); // cached: only the change can make the next one a miss
    const training = await createDraft(api, team.editor.token, { title: 'Nouvelle formation visible sans attendre' });
    await publish(api, team, training.id);
    const after = await waitFor(() => ask(query), answer => answer.cache === 'miss', 1_000);
    const slugs = (answer: Answer) => (answer.body.data!.trainings as { edges: { node: { slug: string } }[] }).edges.map(edge => edge.node.slug);
    expect(slugs(after)).toContain(training.slug);
    expect(slugs(before)).not.toContain(training.slug);
  });

  test('a session change shows at once; an enrolment only changes seat counts, which may lag a few seconds', async () => {
    const training = await createDraft(api, team.editor.token, { title: 'Formation aux places comptées' });
    await publish(api, team, training.id);
    const query = `query($slug: String!) { training(slug: $slug) { sessions(first: 5) { edges { node { id capacity seatsLeft } } } } }`;
    const sessions = async () => {
      const answer = await ask(query, {}, { slug: training.slug });
      return { answer, nodes: (answer.body.data!.training as { sessions: { edges: { node: { id: string; seatsLeft: number } }[] } }).sessions.edges.map(edge => edge.node) };
    };
    expect((await sessions()).nodes).toEqual([]);
    expect((await sessions()).answer.cache).toBe('hit');
    const sessionId = await createSession(api, team.editor.token, training.id, { capacity: 3 });
    const created = await sessions();
    expect(created.nodes).toEqual([{ id: sessionId, capacity: 3, seatsLeft: 3 }]);
    expect((await sessions()).answer.cache).toBe('hit');

    const [agent] = await agents(api, 1);
    const enrolled = await api.gql(`mutation($id: ID!) { enrol(sessionId: $id) { userErrors { code } } }`, { id: sessionId }, bearer(agent.token));
    expect(enrolled.body.data.enrol.userErrors).toEqual([]);
    // Within the seat counts' max-age (5 s) the list may still say 3; after it, 2.
    const settled = await waitFor(sessions, result => result.nodes[0].seatsLeft === 2, 6_000);
    expect(settled.nodes[0].seatsLeft).toBe(2);
  });
});

/** Asks until `done` holds, for at most `withinMs`; returns the last answer. */
async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}
