import { signAccessToken } from '../../src/auth/tokens';
import { toGlobalId } from '../../src/graphql/global-id';
import { startApiProcesses } from '../support/processes';

// Embedded PostgreSQL lives inside one process: only a shared server can be raced by two processes.
const onSharedServer = process.env.DATABASE_URL ? test : test.skip;
const JWT_SECRET = 'secret-partagé-des-deux-processus-de-test-0123456789';

onSharedServer('40 agents racing for 5 seats through two API processes: 5 confirmed, positions 1 to 35, one enrolment each', async () => {
  const cluster = await startApiProcesses([{ JWT_SECRET }, { JWT_SECRET }]);
  const { urls, sql: client } = cluster;
  try {
    const { rows: [session] } = await client.query(`INSERT INTO training_session (training_id, starts_at, ends_at, enrolment_opens_at, enrolment_closes_at, capacity)
      SELECT id, now() + interval '10 days', now() + interval '11 days', now() - interval '1 day', now() + interval '9 days', 5
      FROM training WHERE status = 'PUBLISHED' AND cardinality(audience_partner_ids) = 0 AND cardinality(audience_categories) = 0
        AND cardinality(audience_functions) = 0 ORDER BY slug LIMIT 1 RETURNING id`);
    const { rows: users } = await client.query(`INSERT INTO user_account (email, password_hash, display_name, category, email_verified)
      SELECT 'course' || n || '@agriculture.gouv.fr', '!', 'Agent ' || n, 'A', true FROM generate_series(1, 40) AS n RETURNING id`);
    const sessionId = toGlobalId('TrainingSession', session.id);
    const results = await Promise.all(
      users.map(async ({ id }, index) => {
        const response = await fetch(urls[index % 2], {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${signAccessToken(JWT_SECRET, id, [])}` },
          body: JSON.stringify({ query: `mutation($s: ID!) { enrol(sessionId: $s) { enrolment { status waitlistPosition } userErrors { code } } }`, variables: { s: sessionId } }),
        });
        type Enrol = { enrolment: { status: string; waitlistPosition: number | null } | null; userErrors: { code: string }[] };
        return ((await response.json()) as { data: { enrol: Enrol } }).data.enrol;
      }),
    );
    expect(results.map(result => result.userErrors)).toEqual(results.map(() => []));
    const { rows } = await client.query<{ status: string; waitlist_position: number | null; per_user: number }>(`SELECT status, waitlist_position, count(*) OVER (PARTITION BY user_id)::int AS per_user FROM enrolment WHERE session_id = $1`, [session.id]);
    expect(rows).toHaveLength(40);
    expect(rows.filter(row => row.per_user !== 1)).toEqual([]);
    expect(rows.filter(row => row.status === 'CONFIRMED')).toHaveLength(5);
    expect(rows.filter(row => row.status === 'WAITLISTED').map(row => row.waitlist_position!).sort((a, b) => a - b)).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
    expect(await cluster.stop()).toEqual([0, 0]);
  } finally {
    await cluster.remove();
  }
}, 120_000);
