import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// On the embedded database every pool connection shares PGlite's one session: this checks that
// concurrent extended-protocol queries and transactions still behave as on a real server.
let database: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  database = await createTestDatabase();
  pool = new Pool({ connectionString: database.url, max: 8 });
  // pool.end() resolves while its last sockets are still closing, and the database's drop (WITH FORCE)
  // may then terminate one: that idle client's error is the teardown's, not a test's (seen in CI).
  pool.on('error', () => undefined);
  await pool.query('CREATE TABLE counter (id int PRIMARY KEY, value int NOT NULL)');
  await pool.query('INSERT INTO counter VALUES (1, 0)');
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

async function inTransaction(n: number): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ label: string }>('SELECT $1::text AS label', [`label-${n}`]);
    await client.query('COMMIT');
    return rows[0].label;
  } finally {
    client.release();
  }
}

test('concurrent parameterised queries and transactions each get their own rows', async () => {
  // Query n reads "n × n" (its number and the length of its padding), transaction n its label.
  const expected = Array.from({ length: 200 }, (_, n) => (n % 2 === 0 ? `${n} × ${n}` : `label-${n}`));
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, n) =>
      n % 2 === 0
        ? pool
            .query<{ n: number; pad: string }>('SELECT $1::int AS n, repeat($2::text, $1::int) AS pad', [n, 'x'])
            .then(({ rows }) => `${rows[0].n} × ${rows[0].pad.length}`)
        : inTransaction(n),
    ),
  );
  expect(results).toEqual(expected);
});

test('a failing query fails alone and the others go on', async () => {
  const outcomes = await Promise.allSettled(
    Array.from({ length: 40 }, (_, n) => (n % 4 === 0 ? pool.query('SELECT 1 / ($1::int - $1::int)', [n]) : pool.query('SELECT $1::int AS n', [n]))),
  );
  expect(outcomes.filter(outcome => outcome.status === 'rejected')).toHaveLength(10);
  expect(outcomes.filter(outcome => outcome.status === 'fulfilled')).toHaveLength(30);
});

test('concurrent transactions with row locks neither lose an update nor see each other’s uncommitted work', async () => {
  await Promise.all(
    Array.from({ length: 20 }, async (_, n) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query('SELECT value FROM counter WHERE id = $1 FOR UPDATE', [1]);
        await client.query('UPDATE counter SET value = $1 WHERE id = $2', [rows[0].value + 1, 1]);
        await client.query(n % 5 === 0 ? 'ROLLBACK' : 'COMMIT');
      } finally {
        client.release();
      }
    }),
  );
  expect((await pool.query('SELECT value FROM counter WHERE id = 1')).rows[0].value).toBe(16);
});
