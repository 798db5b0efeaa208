import { Client } from 'pg';
import { FeedHistory1796000000009 } from '../../migrations/1796000000009-FeedHistory';
import { signAccessToken } from '../../src/auth/tokens';
import { toGlobalId } from '../../src/graphql/global-id';
import { archive, createDraft, createSession, editorialTeam, publish, submit, review, updateTraining, type EditorialTeam } from '../support/editorial';
import { ADMIN_ENV, bearer } from '../support/people';
import { startApiProcesses } from '../support/processes';
import { eventually } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const FEED = `query($after: String, $first: Int) { catalogueChanges(after: $after, first: $first) {
  totalCount edges { cursor node { cursor type occurredAt trainingId sessionId training { slug } } } pageInfo { hasNextPage endCursor } } }`;

interface ChangeView {
  cursor: string;
  type: string;
  occurredAt: string;
  trainingId: string;
  sessionId: string | null;
  training: { slug: string } | null;
}
interface FeedPage {
  catalogueChanges: { totalCount: number; edges: { cursor: string; node: ChangeView }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** Reads the whole feed after `cursor`, page by page, as a mirror would. */
/**
 * Until every event committed so far is past the feed's horizon: other test files' transactions on the
 * same server (in other databases too: transaction ids are the server's) hold it back a while.
 */
async function feedSettled(api: TestApp): Promise<void> {
  await eventually(async () => {
    const [{ settled }] = await api.sql<{ settled: boolean }>(
      `SELECT coalesce(max(transaction_id) < pg_snapshot_xmin(pg_current_snapshot())::text::bigint, true) AS settled FROM catalogue_change`,
    );
    return settled;
  });
}

/** The whole feed after `cursor`, once settled (`settle: false` reads it as it is, for the test of events in flight). */
async function readAll(api: TestApp, cursor: string | null = null, first = 100, settle = true): Promise<{ changes: ChangeView[]; cursor: string | null }> {
  if (settle) await feedSettled(api);
  const changes: ChangeView[] = [];
  for (;;) {
    const { catalogueChanges } = await api.data<FeedPage>(FEED, { after: cursor, first });
    changes.push(...catalogueChanges.edges.map(edge => edge.node));
    cursor = catalogueChanges.pageInfo.endCursor;
    if (!catalogueChanges.pageInfo.hasNextPage) return { changes, cursor };
  }
}

describe('the feed of the published catalogue', () => {
  let api: TestApp;
  let team: EditorialTeam;
  beforeAll(async () => {
    api = await startTestApp({ ...ADMIN_ENV, DEMO_DATA: 'false' });
    team = await editorialTeam(api);
  });
  afterAll(() => api.stop());

  test('publication, revision, sessions and archive, in order; drafts say nothing; anyone may read it', async () => {
    const { cursor: start } = await readAll(api);
    const draft = await createDraft(api, team.editor.token, { title: 'Formation suivie par le flux' });
    await createSession(api, team.editor.token, draft.id); // a draft's session: not in the feed
    await publish(api, team, draft.id);
    const session = await createSession(api, team.editor.token, draft.id);
    const moved = await api.data<{ updateSession: { userErrors: object[] } }>(
      'mutation($id: ID!) { updateSession(id: $id, input: { location: "Lyon" }) { userErrors { code } } }',
      { id: session },
      bearer(team.editor.token),
    );
    expect(moved.updateSession.userErrors).toEqual([]);
    await api.data('mutation($id: ID!) { cancelSession(id: $id) { userErrors { code } } }', { id: session }, bearer(team.editor.token));
    expect((await updateTraining(api, team.editor.token, draft.id, { summary: 'Un nouveau résumé' })).userErrors).toEqual([]);
    await submit(api, team.editor.token, draft.id);
    await review(api, team.editorial.token, draft.id, 'EDITORIAL', 'APPROVE');
    await review(api, team.technical.token, draft.id, 'TECHNICAL', 'APPROVE');
    const { changes, cursor } = await readAll(api, start, 2);
    expect(changes.map(change => [change.type, change.trainingId, change.sessionId])).toEqual([
      ['TRAINING_PUBLISHED', draft.id, null],
      ['SESSION_CREATED', draft.id, session],
      ['SESSION_UPDATED', draft.id, session],
      ['SESSION_CANCELLED', draft.id, session],
      ['TRAINING_UPDATED', draft.id, null],
    ]);
    expect(changes.every(change => change.training?.slug === draft.slug)).toBe(true);
    // Archived: the event is there, the training no longer visible.
    await archive(api, team.editor.token, draft.id);
    const after = await readAll(api, cursor);
    expect(after.changes.map(change => [change.type, change.training])).toEqual([['TRAINING_ARCHIVED', null]]);
    // Resuming from the last cursor gives nothing more; from an earlier one, the same events again.
    expect((await readAll(api, after.cursor)).changes).toEqual([]);
    expect((await readAll(api, cursor)).changes.map(change => change.type)).toEqual(['TRAINING_ARCHIVED']);
  });

  test('a cursor that is not one is BAD_USER_INPUT', async () => {
    for (const after of ['nimporte', Buffer.from('change:1:x').toString('base64url'), Buffer.from('change:99999999999999999999:1').toString('base64url'), Buffer.from('change:9999999999999999999:1').toString('base64url')]) {
      const { body } = await api.gql(FEED, { after });
      expect(body.errors?.map(error => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
  });

  // PGlite has one session: a transaction left open would hold every other query.
  (process.env.DATABASE_URL ? test : test.skip)('an event committed while an earlier one is in flight waits for it: nothing is skipped', async () => {
    const { cursor } = await readAll(api);
    const [training] = await api.sql<{ id: string }>(`SELECT id FROM training LIMIT 1`);
    const slow = new Client({ connectionString: api.database.url });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      await slow.query(`INSERT INTO catalogue_change (transaction_id, type, training_id) VALUES (pg_current_xact_id()::text::bigint, 'TRAINING_UPDATED', $1)`, [training.id]);
      // A later transaction commits its event first.
      await api.sql(`INSERT INTO catalogue_change (transaction_id, type, training_id) VALUES (pg_current_xact_id()::text::bigint, 'SESSION_CREATED', $1)`, [training.id]);
      expect((await readAll(api, cursor, 100, false)).changes).toEqual([]);
      await slow.query('COMMIT');
      expect((await readAll(api, cursor)).changes.map(change => change.type)).toEqual(['TRAINING_UPDATED', 'SESSION_CREATED']);
    } finally {
      await slow.end();
    }
  });
});

test('from its start the feed holds the whole published catalogue: the demo data, and trainings published before the feed existed', async () => {
  const demo = await startTestApp();
  try {
    const published = async () => (await demo.sql<{ id: string }>(`SELECT id FROM training WHERE status = 'PUBLISHED' `)).map(row => toGlobalId('Training', row.id)).sort();
    const fromStart = async () => (await readAll(demo)).changes.filter(change => change.type === 'TRAINING_PUBLISHED').map(change => change.trainingId).sort();
    expect((await published()).length).toBeGreaterThan(10);
    // The feed hands out events older than every transaction in flight on the server — other test
    // files' included, in other databases (transaction ids are the server's): it may lag, never skip.
    const caughtUp = async () => eventually(async () => JSON.stringify(await fromStart()) === JSON.stringify(await published()));
    await caughtUp();
    expect(await fromStart()).toEqual(await published());
    const { catalogueChanges } = await demo.data<FeedPage>(FEED, { first: 1 });
    expect(catalogueChanges.totalCount).toBe((await readAll(demo)).changes.length);
    // A database from before the feed: the migration writes the history it lacks, once.
    await demo.sql('DELETE FROM catalogue_change');
    const runner = demo.app.database.dataSource.createQueryRunner();
    try {
      await new FeedHistory1796000000009().up(runner);
      await new FeedHistory1796000000009().up(runner);
    } finally {
      await runner.release();
    }
    await caughtUp();
    expect(await fromStart()).toEqual(await published());
  } finally {
    await demo.stop();
  }
});

// Embedded PostgreSQL lives inside one process: only a shared server can be written by two processes.
(process.env.DATABASE_URL ? test : test.skip)(
  'writers on two API processes and a reader polling as fast as it can: the reader gets the table, in order, no gap, no duplicate',
  async () => {
    const JWT_SECRET = 'secret-partagé-des-processus-du-flux-0123456789abc';
    const cluster = await startApiProcesses([{ JWT_SECRET }, { JWT_SECRET }]);
    const { urls, sql: client } = cluster;
    try {
      const { rows: [admin] } = await client.query(`INSERT INTO user_account (email, password_hash, display_name, email_verified) VALUES ('flux@numerique.gouv.fr', '!', 'Flux', true) RETURNING id`);
      await client.query(`INSERT INTO role_grant (user_id, role) VALUES ($1, 'ADMIN')`, [admin.id]);
      const token = signAccessToken(JWT_SECRET, admin.id, []);
      const { rows: trainings } = await client.query(`SELECT id FROM training WHERE status = 'PUBLISHED' ORDER BY slug LIMIT 10`);
      const gql = async (url: string, query: string, variables: object) => {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
        return (await response.json()) as { data: Record<string, { userErrors?: object[] }> };
      };
      let writing = true;
      // Once writing ends, read until the table's count is reached: a transaction elsewhere on the
      // server (another test's database) may hold the horizon back for a moment.
      let expected = Number.POSITIVE_INFINITY;
      const seen: string[] = [];
      const reader = (async () => {
        let cursor: string | null = null;
        for (;;) {
          const stillWriting = writing || seen.length < expected;
          const page = (await (await fetch(urls[seen.length % 2], { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: FEED, variables: { after: cursor, first: 100 } }) })).json()) as { data: FeedPage };
          const { edges, pageInfo } = page.data.catalogueChanges;
          seen.push(...edges.map(edge => edge.cursor));
          cursor = pageInfo.endCursor;
          if (!stillWriting && edges.length === 0) return;
        }
      })();
      const CREATE = `mutation($input: SessionInput!) { createSession(input: $input) { userErrors { code } } }`;
      const writes = Array.from({ length: 200 }, (_, index) => {
        const input = { trainingId: toGlobalId('Training', trainings[index % trainings.length].id), startsAt: new Date(Date.now() + 864e6).toISOString(), endsAt: new Date(Date.now() + 950e6).toISOString() };
        return () => gql(urls[index % 2], CREATE, { input });
      });
      // Writers in parallel, eight at a time per process, while the reader polls.
      const answers = [];
      for (let batch = 0; batch < writes.length; batch += 16) answers.push(...(await Promise.all(writes.slice(batch, batch + 16).map(write => write()))));
      expect(answers.map(answer => answer.data.createSession.userErrors)).toEqual(answers.map(() => []));
      expected = (await client.query(`SELECT count(*)::int AS n FROM catalogue_change`)).rows[0].n;
      writing = false;
      await reader;
      const { rows } = await client.query(`SELECT transaction_id, id FROM catalogue_change ORDER BY transaction_id, id`);
      expect(rows.length).toBeGreaterThanOrEqual(200);
      const table = rows.map(row => Buffer.from(`change:${row.transaction_id}:${row.id}`).toString('base64url'));
      expect(new Set(seen).size).toBe(seen.length); // no duplicate
      expect([...seen].sort()).toEqual([...table].sort()); // no gap
      expect(seen).toEqual(table); // in order
      expect(await cluster.stop()).toEqual([0, 0]);
    } finally {
      await cluster.remove();
    }
  },
  180_000,
);
