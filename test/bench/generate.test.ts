import { Client } from 'pg';
import { prepareEnrolmentRace } from '../../bench/enrolment-race';
import { generateInto } from '../../bench/generate';
import { startTestApp, type Edges, type TestApp } from '../support/test-app';
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

const SIZES = { trainings: 300, sessionsPerTraining: 4, users: 500, enrolments: 20000 };

test('the generator fills an empty catalogue with searchable trainings, sessions, agents and enrolments, and refuses a full one', async () => {
  const report = await generateInto(database.url, SIZES);
  expect(report).toMatchObject({ trainings: 300, sessions: 1200, users: 500, enrolments: 20000 });
  await expect(generateInto(database.url, { ...SIZES, trainings: 10 })).rejects.toThrow(/empty catalogue/);

  api = await startTestApp({ DATABASE_URL: database.url, DEMO_DATA: 'false' });
  const { all, search } = await api.data<{
    all: { totalCount: number; facets: { collections: { collection: { slug: string }; count: number }[]; modalities: { modality: string }[] } };
    search: Edges<{ title: string }> & { totalCount: number };
  }>(`{ all: trainings(first: 1) { totalCount facets { collections { collection { slug } count } modalities { modality } } }
    search: trainings(search: "marchés publics", first: 1) { totalCount edges { node { title } } } }`);
  expect(all.totalCount).toBe(300);
  expect(all.facets.collections.filter(facet => facet.count <= 0)).toEqual([]);
  expect(all.facets.modalities).toHaveLength(7);
  expect(search.totalCount).toBeGreaterThan(0);
  expect(search.edges[0].node.title).toMatch(/March/);
});

test('generated enrolments keep the API’s invariants, and W4 prepares a race it can check', async () => {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows: [broken] } = await client.query(`SELECT
      (SELECT count(*) FROM (SELECT s.id FROM training_session s JOIN enrolment e ON e.session_id = s.id
        WHERE e.status IN ('CONFIRMED', 'COMPLETED') GROUP BY s.id, s.capacity HAVING count(*) > s.capacity) over)::int AS overbooked,
      (SELECT count(*) FROM (SELECT array_agg(waitlist_position ORDER BY waitlist_position) AS positions, count(*)::int AS n
        FROM enrolment WHERE status = 'WAITLISTED' GROUP BY session_id) line WHERE positions <> ARRAY(SELECT generate_series(1, n)))::int AS lines,
      (SELECT count(*) FROM enrolment e JOIN training_session s ON s.id = e.session_id WHERE s.cancelled AND e.status <> 'CANCELLED')::int AS in_cancelled,
      (SELECT count(*) FROM enrolment WHERE status = 'WAITLISTED')::int AS waiting`);
    expect(broken).toMatchObject({ overbooked: 0, lines: 0, in_cancelled: 0 });
    expect(broken.waiting).toBeGreaterThan(0);
  } finally {
    await client.end();
  }
  const secret = 'secret-du-banc-d-essai-0123456789-abcdefghij';
  const race = await prepareEnrolmentRace(database.url, secret, { sessions: 3, capacity: 2, agents: 10 });
  const requests = Array.from({ length: 10 }, () => race.next());
  expect(new Set(requests.map(request => request.headers!.authorization)).size).toBe(10);
  expect(await race.check()).toEqual({ sessions: 3, enrolments: 0, confirmed: 0, waitlisted: 0, overbooked: 0, brokenLines: 0, duplicates: 0 });
});
