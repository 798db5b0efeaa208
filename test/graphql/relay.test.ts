import { execFile } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Front ends built with Relay compile their documents against `schema.graphql`: relay-compiler
 * refuses `@connection` unless PageInfo has the four fields of the Relay Cursor Connections
 * specification. Here the real compiler compiles a paginated list, a `@refetchable` fragment
 * (refetched through `node(id)`) and a mutation, and the operations it writes run against the API.
 */
const ROOT = path.join(__dirname, '..', '..');
let api: TestApp;
let workDir: string;
let compilerOutput: string;

interface RelayArtifact {
  params: { name: string; operationKind: string; text: string };
}
const artifact = (name: string): RelayArtifact => require(path.join(workDir, '__generated__', `${name}.graphql.js`));

interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}
interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
}
type CataloguePage = { trainings: Connection<{ id: string; title: string }> };

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'mentor-relay-'));
  await mkdir(path.join(workDir, 'src'));
  await mkdir(path.join(workDir, '__generated__'));
  await copyFile(path.join(ROOT, 'schema.graphql'), path.join(workDir, 'schema.graphql'));
  await cp(path.join(__dirname, 'relay'), path.join(workDir, 'src'), { recursive: true });
  const config = { src: './src', schema: './schema.graphql', language: 'javascript', artifactDirectory: './__generated__' };
  await writeFile(path.join(workDir, 'relay.config.json'), JSON.stringify(config));
  const compiler = path.join(ROOT, 'node_modules', '.bin', 'relay-compiler');
  const { stdout, stderr } = await promisify(execFile)(compiler, [], { cwd: workDir });
  compilerOutput = stdout + stderr;
  api = await startTestApp();
});
afterAll(async () => {
  await api?.stop();
  await rm(workDir, { recursive: true, force: true });
});

test('relay-compiler accepts the schema with @connection, @refetchable and a mutation', () => {
  expect(compilerOutput).toContain('Compilation completed');
  expect(compilerOutput).not.toMatch(/ERROR/);
  expect(artifact('CatalogueListPaginationQuery').params.text).toMatch(/pageInfo\s*{\s*hasPreviousPage\s+startCursor\s+endCursor\s+hasNextPage\s*}/);
  expect(artifact('TrainingSessionsRefetchQuery').params.text).toMatch(/node\(id: \$id\)/);
  expect(artifact('LoginMutation').params.operationKind).toBe('mutation');
});

test("Relay's pagination query pages through the whole catalogue, each item once", async () => {
  const { text } = artifact('CatalogueListPaginationQuery').params;
  const all = await api.gql<{ trainings: { totalCount: number; edges: { node: { id: string } }[] } }>(
    '{ trainings(first: 100) { totalCount edges { node { id } } } }',
  );
  const expected = all.body.data!.trainings.edges.map(edge => edge.node.id);
  expect(expected.length).toBeGreaterThan(10);

  const readPage = async (cursor: string | null): Promise<CataloguePage['trainings']> => {
    const { body } = await api.gql<CataloguePage>(text, { count: 5, cursor });
    expect(body.errors).toBeUndefined();
    return body.data!.trainings;
  };
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const { edges, pageInfo } = await readPage(cursor);
    expect(pageInfo).toEqual({
      hasNextPage: expect.any(Boolean),
      hasPreviousPage: cursor !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    });
    seen.push(...edges.map(edge => edge.node.id));
    if (!pageInfo.hasNextPage) break;
    cursor = pageInfo.endCursor;
  }
  expect(seen).toEqual(expected);
});

test("a @refetchable fragment refetches through node(id) and pages a training's sessions", async () => {
  const { body: listed } = await api.gql<{ trainings: { edges: { node: { id: string; sessions: { totalCount: number } } }[] } }>(
    '{ trainings(first: 100) { edges { node { id sessions { totalCount } } } } }',
  );
  const training = listed.data!.trainings.edges.map(edge => edge.node).find(node => node.sessions.totalCount >= 2)!;
  expect(training).toBeDefined();
  const { text } = artifact('TrainingSessionsRefetchQuery').params;

  const first = await api.gql<{ node: { id: string; title: string; sessions: Connection<{ id: string }> } }>(text, { id: training.id, count: 1, cursor: null });
  expect(first.body.errors).toBeUndefined();
  expect(first.body.data!.node.id).toBe(training.id);
  const firstPage = first.body.data!.node.sessions;
  expect(firstPage.edges).toHaveLength(1);
  expect(firstPage.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, startCursor: firstPage.edges[0].cursor });

  const second = await api.gql<{ node: { sessions: Connection<{ id: string }> } }>(text, { id: training.id, count: 1, cursor: firstPage.pageInfo.endCursor });
  const secondPage = second.body.data!.node.sessions;
  expect(secondPage.pageInfo.hasPreviousPage).toBe(true);
  expect(secondPage.edges[0].node.id).not.toBe(firstPage.edges[0].node.id);
});

test("Relay's mutation runs and reports refusals as user errors", async () => {
  const { text } = artifact('LoginMutation').params;
  const { body } = await api.gql<{ login: { accessToken: string | null; userErrors: { code: string }[] } }>(text, {
    email: 'personne@agriculture.gouv.fr',
    password: 'pas le bon mot de passe',
  });
  expect(body.errors).toBeUndefined();
  expect(body.data!.login).toMatchObject({ accessToken: null, userErrors: [{ code: 'INVALID_CREDENTIALS' }] });
});
