import { Client } from 'pg';
import { signAccessToken } from '../src/auth/tokens';
import { toGlobalId } from '../src/graphql/global-id';
import type { Request } from './workloads';

const ENROL = `mutation W4($sessionId: ID!) { enrol(sessionId: $sessionId) { enrolment { status waitlistPosition } userErrors { code } } }`;

export interface RaceCheck {
  sessions: number;
  enrolments: number;
  confirmed: number;
  waitlisted: number;
  /** Sessions with more confirmed agents than seats: must be 0. */
  overbooked: number;
  /** Sessions whose waiting line is not exactly 1..n: must be 0. */
  brokenLines: number;
  /** Agents with two active enrolments in one session: must be 0. */
  duplicates: number;
}

export interface EnrolmentRace {
  /** The next enrolment to ask for: agents and sessions in rotation, so that connections race for the same seats. */
  next(): Request;
  check(): Promise<RaceCheck>;
}

/**
 * W4: a few fresh sessions (fewer than the connections, so that concurrent requests wait on one
 * session's lock and race for its seats; open now, no audience restriction) and thousands of
 * generated agents signed in with the API's own secret; every request enrols one agent in one of them.
 */
export async function prepareEnrolmentRace(url: string, jwtSecret: string, options = { sessions: 4, capacity: 100, agents: 5000 }): Promise<EnrolmentRace> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DELETE FROM enrolment WHERE session_id IN (SELECT id FROM training_session WHERE location = 'bench-W4')`);
    await client.query(`DELETE FROM training_session WHERE location = 'bench-W4'`);
    const { rows: sessions } = await client.query(
      `INSERT INTO training_session (training_id, starts_at, ends_at, enrolment_opens_at, enrolment_closes_at, capacity, location)
       SELECT id, now() + interval '30 days', now() + interval '30 days 7 hours', now() - interval '1 hour', now() + interval '29 days', $2, 'bench-W4'
       FROM training WHERE status = 'PUBLISHED' AND cardinality(audience_partner_ids) = 0 AND cardinality(audience_categories) = 0
         AND cardinality(audience_functions) = 0 ORDER BY md5(slug) LIMIT $1 RETURNING id`,
      [options.sessions, options.capacity],
    );
    const { rows: agents } = await client.query(`SELECT id FROM user_account WHERE email LIKE 'bench-agent-%' ORDER BY md5(id::text) LIMIT $1`, [options.agents]);
    if (sessions.length === 0 || agents.length === 0) throw new Error('W4 needs generated trainings and agents');
    const tokens = agents.map(agent => signAccessToken(jwtSecret, agent.id, []));
    const sessionIds = sessions.map(session => toGlobalId('TrainingSession', session.id));
    let counter = 0;
    return {
      next() {
        const index = counter++;
        return {
          path: '/graphql',
          headers: { authorization: `Bearer ${tokens[index % tokens.length]}` },
          body: JSON.stringify({ query: ENROL, variables: { sessionId: sessionIds[index % sessionIds.length] } }),
        };
      },
      check: () => checkRace(url, sessions.map(session => session.id)),
    };
  } finally {
    await client.end();
  }
}

async function checkRace(url: string, sessionIds: string[]): Promise<RaceCheck> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: [check] } = await client.query(
      `WITH per_session AS (
         SELECT s.id, s.capacity,
           count(e.id) FILTER (WHERE e.status IN ('CONFIRMED', 'COMPLETED'))::int AS confirmed,
           count(e.id) FILTER (WHERE e.status = 'WAITLISTED')::int AS waitlisted,
           coalesce(array_agg(e.waitlist_position ORDER BY e.waitlist_position) FILTER (WHERE e.status = 'WAITLISTED'), '{}') AS positions
         FROM training_session s LEFT JOIN enrolment e ON e.session_id = s.id WHERE s.id = ANY($1::uuid[]) GROUP BY s.id, s.capacity
       )
       SELECT count(*)::int AS sessions, sum(confirmed + waitlisted)::int AS enrolments, sum(confirmed)::int AS confirmed,
         sum(waitlisted)::int AS waitlisted,
         count(*) FILTER (WHERE capacity IS NOT NULL AND confirmed > capacity)::int AS overbooked,
         count(*) FILTER (WHERE positions IS DISTINCT FROM ARRAY(SELECT generate_series(1, waitlisted)))::int AS "brokenLines",
         (SELECT count(*) FROM (SELECT 1 FROM enrolment WHERE session_id = ANY($1::uuid[]) AND status IN ('CONFIRMED', 'WAITLISTED')
           GROUP BY session_id, user_id HAVING count(*) > 1) twice)::int AS duplicates
       FROM per_session`,
      [sessionIds],
    );
    return check;
  } finally {
    await client.end();
  }
}
