import { createDraft, createSession, publish } from '../support/editorial';
import { Client } from 'pg';
import { ALLOWED, completeBySql, completeThroughApi, hrFixture, REFUSED, settled, UNDER_WAY, type HrFixture } from '../support/hr-records';
import { ADMIN_ENV, agents, bearer, person, type Person } from '../support/people';
import { startTestApp, type TestApp } from '../support/test-app';
import { localId } from '../support/values';

let api: TestApp;
let fixture: HrFixture;
let hr: string;
/** maa's records as set up: enrolment ids in completion order. */
const expected: string[] = [];
let maaAgents: Person[];

const FIELDS = 'enrolmentId agentName agentEmail trainingTitle partnerName durationMinutes completedAt attestationCode';
const HR_RECORDS = `query($partner: String!, $since: DateTime, $after: String, $first: Int) {
  hrRecords(partner: $partner, since: $since, after: $after, first: $first) { totalCount edges { cursor node { ${FIELDS} } } pageInfo { hasNextPage endCursor } } }`;

interface HrRecordView {
  enrolmentId: string;
  agentName: string;
  agentEmail: string;
  trainingTitle: string;
  partnerName: string;
  durationMinutes: number | null;
  completedAt: string;
  attestationCode: string;
}
interface HrPage {
  totalCount: number;
  edges: { cursor: string; node: HrRecordView }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const hrRecords = (token: string | null, variables: Record<string, unknown>) => api.gql<{ hrRecords: HrPage }>(HR_RECORDS, { partner: 'maa', ...variables }, bearer(token));
async function page(variables: Record<string, unknown> = {}, token = hr): Promise<HrPage> {
  const { body } = await hrRecords(token, variables);
  expect(body.errors).toBeUndefined();
  return body.data!.hrRecords;
}
/** Every record of dinum from the start (or `after`), `first` at a time, following the cursors (read by an admin). */
async function readAll(first: number, after: string | null = null, since?: string): Promise<{ ids: string[]; endCursor: string | null }> {
  const ids: string[] = [];
  for (;;) {
    const { edges, pageInfo } = await page({ partner: 'dinum', first, after, since }, fixture.tokens.admin!);
    ids.push(...edges.map(edge => edge.node.enrolmentId));
    if (edges.length > 0) after = pageInfo.endCursor;
    if (!pageInfo.hasNextPage) return { ids, endCursor: after };
  }
}

beforeAll(async () => {
  api = await startTestApp({ ...ADMIN_ENV, DEMO_DATA: 'false' });
  fixture = await hrFixture(api, 'Piloter un projet numérique');
  hr = fixture.tokens['HR correspondent of maa']!;
  const { team, sessionId } = fixture;
  maaAgents = await agents(api, 3);
  const [first, second, legacy] = maaAgents;
  const [outsider] = await agents(api, 1, { domain: 'fonction-publique.gouv.fr' });
  // A training of another partner: maa's agents' completions there are maa's records too.
  const dgafpEditor = await person(api, team.admin.token, 'editeur@fonction-publique.gouv.fr', [['EDITOR', 'dgafp']]);
  const dgafpTraining = (await createDraft(api, dgafpEditor.token, { partner: 'dgafp', title: 'Marchés publics' })).id;
  await publish(api, { ...team, editor: dgafpEditor }, dgafpTraining);
  const dgafpSession = await createSession(api, dgafpEditor.token, dgafpTraining, UNDER_WAY);

  expected.push(await completeThroughApi(api, first, sessionId, team.editor));
  await completeThroughApi(api, outsider, sessionId, team.editor);
  expected.push(await completeThroughApi(api, second, sessionId, team.editor));
  await completeThroughApi(api, legacy, sessionId, team.editor);
  expected.push(await completeThroughApi(api, second, dgafpSession, dgafpEditor));
  // An account from before mailbox verification: not known to be maa's agent, so not in its records.
  await api.sql('UPDATE user_account SET email_verified = false WHERE id = $1', [localId(legacy.id)]);
  await settled();
});
afterAll(() => api.stop());

describe('who reads a partner’s HR records', () => {
  test.each(REFUSED)('%s is refused (%s), the same for a known and an unknown partner', async (role, code) => {
    const known = await hrRecords(fixture.tokens[role], { partner: 'maa' });
    const unknown = await hrRecords(fixture.tokens[role], { partner: 'inconnu' });
    expect(known.body.data).toBeNull();
    expect(known.body.errors?.map(error => error.extensions?.code)).toEqual([code]);
    const answer = (response: typeof known) => ({ status: response.status, errors: response.body.errors?.map(({ message, extensions }) => ({ message, extensions })) });
    expect(answer(unknown)).toEqual(answer(known));
  });

  test.each(ALLOWED)('%s reads them', async role => {
    const { totalCount, edges } = await page({}, fixture.tokens[role]!);
    expect(totalCount).toBe(3);
    expect(edges.map(edge => edge.node.enrolmentId)).toEqual(expected);
  });

  test('an admin is told of an unknown partner', async () => {
    const { body } = await hrRecords(fixture.tokens.admin, { partner: 'inconnu' });
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('what the records hold', () => {
  test('completions by maa’s verified agents, in any partner’s training, in completion order, with their attestation', async () => {
    const { edges } = await page();
    expect(edges.map(edge => [edge.node.agentEmail, edge.node.trainingTitle])).toEqual([
      [expect.stringContaining('agent1.'), 'Piloter un projet numérique'],
      [expect.stringContaining('agent2.'), 'Piloter un projet numérique'],
      [expect.stringContaining('agent2.'), 'Marchés publics'],
    ]);
    expect(edges[0].node).toMatchObject({ agentName: expect.stringMatching(/^Agent 1 du lot/), durationMinutes: 420, partnerName: expect.stringContaining('Agriculture') });
    expect(edges[2].node.partnerName).toMatch(/fonction publique/i);
    const completedAt = edges.map(edge => edge.node.completedAt);
    expect([...completedAt].sort()).toEqual(completedAt);
    // Each code is the attestation its holder has, and verifies.
    const [{ code }] = await api.sql<{ code: string }>('SELECT code FROM attestation WHERE enrolment_id = $1', [localId(edges[0].node.enrolmentId)]);
    expect(edges[0].node.attestationCode).toBe(code);
    const { verifyAttestation } = await api.data<{ verifyAttestation: { valid: boolean } }>(`query($code: String!) { verifyAttestation(code: $code) { valid } }`, { code });
    expect(verifyAttestation.valid).toBe(true);
  });

  test('since: completions at or after that instant only', async () => {
    const all = await page();
    const since = all.edges[1].node.completedAt;
    const later = await page({ since });
    expect(later.edges.map(edge => edge.node.enrolmentId)).toEqual(expected.slice(1));
    expect(later.totalCount).toBe(2);
    expect((await page({ since: '2999-01-01T00:00:00Z' })).edges).toEqual([]);
  });
});

describe('resuming from a cursor', () => {
  // These tests complete for dinum's agents, so that maa's three records stay as the other tests expect.
  test('pages follow each other with no gap and no repeat, ties on the instant ordered by id; new completions come after the last cursor', async () => {
    const [first, second] = await agents(api, 2, { domain: 'numerique.gouv.fr' });
    // 40 earlier completions (an hour ago), four at each instant.
    const base = Date.now() - 3_600_000;
    const instants = Array.from({ length: 40 }, (_, n) => new Date(base + Math.floor(n / 4) * 1000).toISOString());
    await completeBySql(api, instants.map((_, n) => (n % 2 ? first : second).id), fixture.sessionId, instants);
    const whole = (await readAll(100)).ids;
    expect(whole).toHaveLength(40);
    expect(new Set(whole).size).toBe(40);
    const [{ ids: sqlOrder }] = await api.sql<{ ids: string[] }>(
      `SELECT array_agg(e.id::text ORDER BY e.completed_at, e.id) AS ids FROM enrolment e JOIN user_account u ON u.id = e.user_id
       WHERE e.status = 'COMPLETED' AND u.employer_id = (SELECT id FROM partner WHERE slug = 'dinum') AND u.email_verified`,
    );
    expect(whole.map(localId)).toEqual(sqlOrder);

    for (const size of [1, 7, 10]) expect((await readAll(size)).ids).toEqual(whole);

    // The next night: what was completed since is read from the last cursor, and only that.
    const { endCursor } = await readAll(10);
    const now = new Date().toISOString();
    await completeBySql(api, [first.id, second.id], fixture.sessionId, [now, now]);
    await settled();
    const next = await readAll(10, endCursor);
    expect(next.ids).toHaveLength(2);
    expect(next.ids.some(id => whole.includes(id))).toBe(false);
    expect((await readAll(10, next.endCursor)).ids).toEqual([]);
  });

  // PGlite has one session: a transaction left open would hold every other query.
  (process.env.DATABASE_URL ? test : test.skip)('a completion committed while an earlier one is in flight waits for it: nothing is skipped', async () => {
    const [first, second] = await agents(api, 2, { domain: 'numerique.gouv.fr' });
    const { endCursor } = await readAll(100);
    // Its own session: a completion takes its session's row (the seat counters) until it commits.
    const slowSession = await createSession(api, fixture.team.editor.token, fixture.trainingId, UNDER_WAY);
    const slow = new Client({ connectionString: api.database.url });
    await slow.connect();
    try {
      // As completeEnrolment does: the transaction begins, then the completion is dated, then it commits.
      await slow.query('BEGIN');
      await slow.query('SELECT pg_sleep(0.05)');
      const [early] = (await slow.query<{ now: string }>('SELECT clock_timestamp()::text AS now')).rows;
      await slow.query(
        `WITH done AS (INSERT INTO enrolment (user_id, session_id, status, completed_at) VALUES ($1, $2, 'COMPLETED', $3) RETURNING id, user_id, completed_at)
         INSERT INTO attestation (enrolment_id, user_id, code, holder_name, training_title, partner_name, duration_minutes, issued_at, credential)
         SELECT id, user_id, upper(substr(md5(id::text), 1, 16)), 'Agent', 'Formation lente', 'Ministère', 60, completed_at, 'jws' FROM done`,
        [localId(first.id), localId(slowSession), early.now],
      );
      // A later completion commits first.
      await completeBySql(api, [second.id], fixture.sessionId, [new Date().toISOString()], 'Formation rapide');
      await settled();
      expect((await readAll(10, endCursor)).ids).toEqual([]);
      await slow.query('COMMIT');
      await settled();
      const { edges } = await page({ partner: 'dinum', after: endCursor }, fixture.tokens.admin!);
      expect(edges.map(edge => edge.node.trainingTitle)).toEqual(['Formation lente', 'Formation rapide']);
    } finally {
      await slow.end();
    }
  });

  test('a cursor of another list, or a page size out of range, is BAD_USER_INPUT', async () => {
    const other = Buffer.from(JSON.stringify({ l: 'webhookDeliveries', k: '2026-01-01 00:00:00+00', i: '00000000-0000-0000-0000-000000000000' })).toString('base64url');
    for (const variables of [{ after: other }, { after: 'nimportequoi' }, { first: 101 }, { first: 0 }]) {
      const { body } = await hrRecords(hr, variables);
      expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  test('a page is one statement, whatever its size', async () => {
    const statements = async (first: number) => (await hrRecords(hr, { first })).statements;
    const small = await statements(2);
    expect(await statements(40)).toBe(small);
    expect(small).toBeLessThanOrEqual(4); // grants, the partner, the page, the count
  });
});
