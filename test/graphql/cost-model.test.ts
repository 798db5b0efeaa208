import { parse, type GraphQLSchema } from 'graphql';
import { generateInto } from '../../bench/generate';
import { watchStatements, type SentStatement } from '../../src/db/statement-counter';
import { LIMITS, operationCost } from '../../src/graphql/limits';
import { buildApiSchema } from '../../src/graphql/schema';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** The catalogue the cost unit is calibrated on: the benchmark's 10,000 generated trainings. */
const CATALOGUE = { trainings: 10_000, sessionsPerTraining: 3, users: 100, enrolments: 500 };
/** `maxCost` is about a second of database time. */
const UNITS_PER_MS = LIMITS.maxCost / 1000;
/**
 * How far the cost per millisecond may stray from that: PGlite (1.5 to 4 times slower than
 * PostgreSQL) and a busy shared machine measure more milliseconds, a fast server fewer.
 */
const SLOWER = 6;
const FASTER = 4;

let database: TestDatabase;
let api: TestApp;
let schema: GraphQLSchema;
beforeAll(async () => {
  database = await createTestDatabase();
  await generateInto(database.url, CATALOGUE);
  // Cached answers would hide the statements being measured.
  api = await startTestApp({ DATABASE_URL: database.url, DEMO_DATA: 'false', RESPONSE_CACHE: 'false' });
  schema = await buildApiSchema();
}, 300_000);
afterAll(async () => {
  await api?.stop();
  await database?.drop();
});

/** Planning and execution time of one statement as PostgreSQL reports them, the best of three runs. */
async function statementMs({ text, values }: SentStatement): Promise<number> {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const [row] = await api.sql(`EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${text}`, [...values]);
    const plan = row['QUERY PLAN'];
    const [report] = typeof plan === 'string' ? JSON.parse(plan) : plan;
    best = Math.min(best, report['Planning Time'] + report['Execution Time']);
  }
  return best;
}

interface Measure {
  name: string;
  cost: number;
  ms: number;
  statements: number;
}

/**
 * Runs the operation through the API, then replays each statement it sent under EXPLAIN ANALYZE, one
 * at a time: the database time it cost, free of the HTTP server's and the pool's waits.
 */
async function measure(name: string, query: string): Promise<Measure> {
  const sent: SentStatement[] = [];
  const stop = watchStatements(statement => sent.push(statement));
  try {
    const { body } = await api.gql(query);
    expect(body.errors).toBeUndefined();
  } finally {
    stop();
  }
  let ms = 0;
  for (const statement of sent) ms += await statementMs(statement);
  return { name, cost: operationCost(schema, parse(query)), ms, statements: sent.length };
}

const table = (measures: Measure[]) =>
  measures.map(m => `${m.name}: cost ${m.cost}, ${m.ms.toFixed(1)} ms in ${m.statements} statements, ${(m.cost / m.ms).toFixed(1)} a ms`).join('\n');

const FACETS = `facets { collections { collection { slug } count } partners { partner { slug } count }
  modalities { modality count } certifying { value count } }`;
/** Words of every generated training's summary, content or objectives: each matches all 10,000. */
const EVERYWHERE = 'formation agents situations travail module repères plan action individuel encadrants méthodes pratiques';
/** A full search: ranked page, count and facets over words found in every training. */
const searchList = (words: number) =>
  `trainings(first: 5, search: "${EVERYWHERE.split(' ').slice(0, words).join(' ')}") { totalCount ${FACETS} edges { node { id title } } }`;

/** The operations whose reads the model prices: searches, facets and counts, and the costly filter and order. */
const OPERATIONS: [string, string][] = [
  ['a 3-word search with totalCount and facets', `{ ${searchList(3)} }`],
  ['a 12-word search page', `{ trainings(first: 5, search: "${EVERYWHERE}") { edges { node { id } } } }`],
  ['a misspelt search (trigram fallback) with totalCount and facets', `{ trainings(first: 5, search: "teletravial") { totalCount ${FACETS} edges { node { id } } } }`],
  ['facets and totalCount without a search', `{ trainings(first: 5) { totalCount ${FACETS} edges { node { id } } } }`],
  ['hasOpenSession with totalCount and facets', `{ trainings(first: 5, filter: { hasOpenSession: true }) { totalCount ${FACETS} edges { node { id } } } }`],
  ['ordered by next session', `{ trainings(first: 5, orderBy: NEXT_SESSION) { totalCount edges { node { id } } } }`],
];

test('the reads are priced once per list, found through fragments too', () => {
  const inline = operationCost(schema, parse(`{ trainings(first: 100, search: "marché public") { totalCount ${FACETS} } }`));
  const spread = operationCost(schema, parse(`{ trainings(first: 100, search: "marché public") { ...Panel } }
    fragment Panel on TrainingConnection { ... on TrainingConnection { totalCount } ${FACETS} }`));
  expect(spread).toBe(inline);
  const fewer = operationCost(schema, parse(`{ trainings(first: 1, search: "marché public") { totalCount ${FACETS} } }`));
  expect(inline - fewer).toBe(99); // `totalCount`, 1 a page item; the reads do not grow with `first`
  expect(operationCost(schema, parse('{ trainings(first: 1) { totalCount } }'))).toBeLessThan(fewer);
});

describe('the cost estimate follows database time (10,000 trainings)', () => {
  test('each costly read costs about maxCost for a second of database time', async () => {
    for (const [, query] of OPERATIONS) await api.gql(query); // warm the caches, as in production
    const measures: Measure[] = [];
    for (const [name, query] of OPERATIONS) measures.push(await measure(name, query));
    const astray = measures.filter(m => m.cost / m.ms < UNITS_PER_MS / SLOWER || m.cost / m.ms > UNITS_PER_MS * FASTER);
    expect({ astray: table(astray), all: table(measures) }).toEqual({ astray: '', all: expect.any(String) });
  }, 300_000);

  test('an operation worth more than a second of database time is refused; a catalogue page is not', async () => {
    const one = await measure('one full search', `{ ${searchList(3)} }`);
    // As many copies as it takes to pass the limit: refused before any SQL…
    const copies = Math.floor(LIMITS.maxCost / one.cost) + 1;
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `s${i}: ${searchList(3)}`).join(' ')} }`;
    const refused = await api.gql(aliased(copies));
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maxCost: LIMITS.maxCost });
    expect(refused.statements).toBe(0);
    // …because it would have cost the database about a second (less on a fast server, more on PGlite).
    expect(copies * one.ms).toBeGreaterThan(1000 / FASTER);
    // One copy fewer is within the limit, and runs.
    const accepted = await measure(`${copies - 1} full searches`, aliased(copies - 1));
    expect(accepted.cost).toBeLessThanOrEqual(LIMITS.maxCost);
    expect(accepted.ms).toBeGreaterThan((copies - 1) * one.ms * 0.5);

    // What a front end asks for a page of results: 50 trainings with their sessions, count and facets.
    const page = `{ trainings(first: 50, search: "management public") { totalCount ${FACETS} pageInfo { hasNextPage endCursor }
      edges { node { id title summary modality durationMinutes certifying licence { code } collection { name } partner { name }
        sessions(first: 3, upcoming: true) { edges { node { startsAt location seatsLeft } } } } } } }`;
    expect(operationCost(schema, parse(page))).toBeLessThan(LIMITS.maxCost / 2);
    const { body } = await api.gql(page);
    expect(body.errors).toBeUndefined();
    expect(body.data.trainings.totalCount).toBeGreaterThan(0);
  }, 300_000);
});
