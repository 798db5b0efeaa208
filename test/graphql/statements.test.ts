import { nodes, startTestApp, type Edges, type TestApp } from '../support/test-app';

let api: TestApp;
beforeAll(async () => {
  api = await startTestApp();
  // Enough trainings for a page of 50: copies of the demo catalogue with their sessions.
  await api.sql(`INSERT INTO training (slug, title, summary, objectives, modality, licence_id, collection_id, partner_id, co_funder_ids, status, published_at)
    SELECT slug || '-copie', title || ' (copie)', summary, objectives, modality, licence_id, collection_id, partner_id, co_funder_ids, status, published_at
    FROM training`);
  await api.sql(`INSERT INTO training_session (training_id, starts_at, ends_at, enrolment_opens_at, enrolment_closes_at, capacity, location)
    SELECT copy.id, s.starts_at, s.ends_at, s.enrolment_opens_at, s.enrolment_closes_at, s.capacity, s.location
    FROM training_session s JOIN training original ON original.id = s.training_id
    JOIN training copy ON copy.slug = original.slug || '-copie'`);
  // At least three upcoming sessions for every training, as a catalogue page shows them.
  await api.sql(`INSERT INTO training_session (training_id, starts_at, ends_at, enrolment_opens_at, enrolment_closes_at, capacity)
    SELECT t.id, now() + make_interval(days => 10 * n), now() + make_interval(days => 10 * n, hours => 7), now(), now() + make_interval(days => 10 * n), 12
    FROM training t, generate_series(1, 3) AS n`);
});
afterAll(() => api.stop());

const CATALOGUE_PAGE = `query($first: Int!) { trainings(first: $first) { totalCount edges { node {
  id title licence { code name } collection { slug name trainingCount } partner { slug name } coFunders { slug }
  audienceRule { partners { slug } }
  sessions(first: 3) { totalCount edges { node { startsAt capacity seatsTaken seatsLeft waitlistLength training { slug } } } }
} } } }`;
/** What the test below reads of `CATALOGUE_PAGE`. */
type CataloguePage = { trainings: Edges<{ title: string; sessions: Edges<object> }> };

test('SQL statements per request do not grow with page size', async () => {
  await api.gql('{ trainings(first: 1) { edges { node { licence { code } } } } }'); // reference data are cached by the process: start from the same state
  const small = await api.gql<CataloguePage>(CATALOGUE_PAGE, { first: 5 });
  const large = await api.gql<CataloguePage>(CATALOGUE_PAGE, { first: 50 });
  expect(small.body.errors).toBeUndefined();
  expect(large.body.errors).toBeUndefined();
  expect(small.body.data?.trainings.edges).toHaveLength(5);
  expect(large.body.data?.trainings.edges).toHaveLength(50);
  // The titles of the trainings that do not show three sessions.
  expect(nodes(large.body.data!.trainings).filter(training => training.sessions.edges.length !== 3).map(training => training.title)).toEqual([]);
  expect(Number.isInteger(small.statements)).toBe(true);
  expect(large.statements).toBe(small.statements);
  // the page with its count, the collection counts, every training's sessions (seat counts are on
  // the session row), and the trainings again for \`session.training\` (the page read only the
  // columns its own fields need); reference data (licences, collections, partners) are read once
  // per process every 30 s, in one statement
  expect(large.statements).toBe(4);
});

test('a training sheet by slug costs a fixed number of statements whatever its session count', async () => {
  const [few, many] = await api.sql(`SELECT t.slug FROM training t JOIN training_session s ON s.training_id = t.id
    GROUP BY t.slug ORDER BY count(*) ASC, t.slug LIMIT 1`).then(async ([fewest]) => [
    fewest,
    (await api.sql(`SELECT t.slug FROM training t JOIN training_session s ON s.training_id = t.id
      GROUP BY t.slug ORDER BY count(*) DESC, t.slug LIMIT 1`))[0],
  ]);
  const sheet = `query($slug: String!) { training(slug: $slug) { title partner { name } collection { name } licence { code }
    sessions(first: 100) { edges { node { startsAt seatsLeft location } } } } }`;
  const a = await api.gql(sheet, { slug: few.slug });
  const b = await api.gql(sheet, { slug: many.slug });
  expect(a.body.errors).toBeUndefined();
  expect(a.statements).toBe(b.statements);
});
