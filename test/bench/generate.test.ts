import { generateInto } from '../../bench/generate';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let database: TestDatabase;
let api: TestApp;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await api?.stop();
  await database.drop();
});

test('the generator fills an empty catalogue with searchable trainings and sessions, and refuses a full one', async () => {
  const report = await generateInto(database.url, { trainings: 300, sessionsPerTraining: 4 });
  expect(report).toMatchObject({ trainings: 300, sessions: 1200 });
  await expect(generateInto(database.url, { trainings: 10, sessionsPerTraining: 1 })).rejects.toThrow(/empty catalogue/);

  api = await startTestApp({ DATABASE_URL: database.url, DEMO_DATA: 'false' });
  const { body } = await api.gql(`{ all: trainings(first: 1) { totalCount facets { collections { count } modalities { modality } } }
    search: trainings(search: "marchés publics", first: 1) { totalCount edges { node { title } } } }`);
  expect(body.errors).toBeUndefined();
  expect(body.data.all.totalCount).toBe(300);
  expect(body.data.all.facets.collections.every((c: { count: number }) => c.count > 0)).toBe(true);
  expect(body.data.all.facets.modalities).toHaveLength(7);
  expect(body.data.search.totalCount).toBeGreaterThan(0);
  expect(body.data.search.edges[0].node.title).toMatch(/March/);
});
