import { LIMITS } from '../../src/graphql/limits';
import { startTestApp, type TestApp } from '../support/test-app';
import { statusOf } from '../support/http';

let api: TestApp;
beforeAll(async () => {
  api = await startTestApp();
});
afterAll(() => api.stop());

async function post(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await fetch(`${api.origin}/graphql`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) };
}

describe('query limits refuse abusive operations before any SQL runs', () => {
  test('a 20-level nested query', async () => {
    let selection = 'id';
    for (let level = 0; level < 10; level++) selection = `training { sessions(first: 1) { edges { node { ${selection} } } } }`;
    const { status, body, statements } = await api.gql(`{ node(id: "x") { ... on TrainingSession { ${selection} } } }`);
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0].message).toMatch(/depth/i);
    expect(statements).toBe(0);
  });

  test('1000 aliases', async () => {
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: collections { slug }`).join(' ');
    const { status, body, statements } = await api.gql(`{ ${aliases} }`);
    expect(status).toBe(400);
    expect(body.errors?.[0].message).toMatch(/alias|token/i);
    expect(statements).toBe(0);
  });

  test(`${LIMITS.maxAliases + 1} aliases, under the token limit`, async () => {
    const aliases = Array.from({ length: LIMITS.maxAliases + 1 }, (_, i) => `a${i}: faq { id }`).join(' ');
    const { body } = await api.gql(`{ ${aliases} }`);
    expect(body.errors?.[0].message).toMatch(/alias/i);
  });

  test('a cost bomb: nested pages multiply by `first`', async () => {
    const bomb = `{ trainings(first: 100) { edges { node { sessions(first: 100) { edges { node {
      training { sessions(first: 100) { edges { node { id } } } } } } } } } } }`;
    const { status, body, statements } = await api.gql(bomb);
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maxCost: LIMITS.maxCost });
    expect(body.errors?.[0].extensions?.cost).toBeGreaterThan(LIMITS.maxCost);
    expect(statements).toBe(0);
  });

  test.each([
    ['two aliased logins', `mutation { a: login(email: "a@numerique.gouv.fr", password: "x") { accessToken } b: login(email: "b@numerique.gouv.fr", password: "y") { accessToken } }`],
    ['a login and a client token', `mutation { login(email: "a@numerique.gouv.fr", password: "x") { accessToken } issueClientToken(clientId: "c", clientSecret: "s") { accessToken } }`],
    ['two logins through a fragment', `mutation { ...Twice } fragment Twice on Mutation { a: login(email: "a@numerique.gouv.fr", password: "x") { accessToken } b: login(email: "b@numerique.gouv.fr", password: "y") { accessToken } }`],
  ])('%s: one secret check per operation, refused before any hash or SQL', async (_, query) => {
    const { status, body, statements } = await api.gql(query);
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0].message).toMatch(/Une seule opération vérifiant un secret/);
    expect(statements).toBe(0);
  });

  test('one login per operation passes (and reaches SQL: the refusals above are meaningful)', async () => {
    const { body, statements } = await api.gql(`mutation { login(email: "personne@numerique.gouv.fr", password: "pas le bon") { userErrors { code } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.login.userErrors).toEqual([{ code: 'INVALID_CREDENTIALS' }]);
    expect(statements).toBeGreaterThan(0);
  });

  test('an ordinary catalogue page passes (and does reach SQL: the zero counts above are meaningful)', async () => {
    const { body, statements } = await api.gql(`{ trainings(first: 50) { totalCount edges { node { id title licence { code } collection { name }
      partner { name } sessions(first: 3, upcoming: true) { edges { node { startsAt seatsLeft } } } } } } }`);
    expect(body.errors).toBeUndefined();
    expect(statements).toBeGreaterThan(0);
  });
});

describe('HTTP transport', () => {
  test('malformed JSON gets a 400 with a readable error', async () => {
    const { status, json } = await post('{"query": "{ collections { slug } }"');
    expect(status).toBe(400);
    expect(json().errors[0].message).toMatch(/Malformed JSON/);
  });

  test('a body over the size cap gets a 413', async () => {
    const { status } = await post(JSON.stringify({ query: `{ collections { slug } } # ${'x'.repeat(LIMITS.maxBodyBytes)}` }));
    expect(status).toBe(413);
  });

  test('HTTP batching is off', async () => {
    const { status, text } = await post(JSON.stringify([{ query: '{ faq { id } }' }, { query: '{ tour { id } }' }]));
    expect(status).toBe(400);
    expect(text).toMatch(/batch/i);
  });

  test('CSRF prevention: a simple GET without a preflight header is refused', async () => {
    const response = await fetch(`${api.origin}/graphql?query=${encodeURIComponent('{ collections { slug } }')}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/i);
  });

  test('GET queries with a preflight header and the GraphQL-over-HTTP media type work', async () => {
    const response = await fetch(`${api.origin}/graphql?query=${encodeURIComponent('{ licences { code } }')}`, {
      headers: { 'apollo-require-preflight': 'true', accept: 'application/graphql-response+json' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/graphql-response\+json/);
    expect(((await response.json()) as { data: { licences: unknown[] } }).data.licences).toHaveLength(9);
  });

  test('syntax errors are GRAPHQL_PARSE_FAILED, unknown fields GRAPHQL_VALIDATION_FAILED', async () => {
    expect((await api.gql('{ collections { ')).body.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect((await api.gql('{ nope }')).body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  test('every response carries a request id, echoed when the client sends one', async () => {
    const given = await api.gql('{ faq { id } }', undefined, { 'x-request-id': 'front-42' });
    expect(given.headers.get('x-request-id')).toBe('front-42');
    const generated = await api.gql('{ faq { id } }');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('unknown routes are 404', async () => {
    expect(await statusOf(`${api.origin}/nope`)).toBe(404);
  });
});
