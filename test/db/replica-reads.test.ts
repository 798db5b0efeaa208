import { Client } from 'pg';
import { createDraft, createSession, editorialTeam, publish, type EditorialTeam } from '../support/editorial';
import { ADMIN_ENV, bearer, person, type Person } from '../support/people';
import { caughtUp, startCluster, startReplica, type PostgresCluster } from '../support/postgres-cluster';
import { startTestApp, type TestApp } from '../support/test-app';

// A real streaming replica needs real PostgreSQL servers: the PostgreSQL half of CI only.
const withServers = process.env.DATABASE_URL ? describe : describe.skip;

const CATALOGUE = `{ trainings(first: 100) { totalCount edges { node { id } } facets { partners { partner { slug } count } } } }`;
const FEED = `query($after: String) { catalogueChanges(after: $after, first: 100) { edges { cursor node { type trainingId sessionId } } pageInfo { endCursor } } }`;

interface Catalogue {
  trainings: { totalCount: number; edges: { node: { id: string } }[]; facets: { partners: { partner: { slug: string }; count: number }[] } };
}
interface Feed {
  catalogueChanges: { edges: { cursor: string; node: { type: string; trainingId: string; sessionId: string | null } }[]; pageInfo: { endCursor: string | null } };
}

const ids = (catalogue: Catalogue) => catalogue.trainings.edges.map(edge => edge.node.id);
const maaCount = (catalogue: Catalogue) => catalogue.trainings.facets.partners.find(facet => facet.partner.slug === 'maa')?.count ?? 0;

withServers('DATABASE_REPLICA_URLS, on a real streaming replica', () => {
  let primary: PostgresCluster;
  let replica: PostgresCluster;
  let api: TestApp;
  let team: EditorialTeam;
  let agent: Person;

  beforeAll(async () => {
    primary = await startCluster();
    try {
      await primary.sql('CREATE DATABASE mentor');
      replica = await startReplica(primary);
      api = await startTestApp({ ...ADMIN_ENV, DEMO_DATA: 'false', DATABASE_URL: primary.url('mentor'), DATABASE_REPLICA_URLS: replica.url('mentor') });
      team = await editorialTeam(api);
      agent = await person(api, team.admin.token, 'agent.lecteur@agriculture.gouv.fr');
      await publish(api, team, (await createDraft(api, team.editor.token)).id);
      await caughtUp(primary, replica);
    } catch (error) {
      await Promise.all([replica?.stop(), primary.stop()]);
      throw error;
    }
  }, 60_000);
  afterAll(async () => {
    await api?.stop();
    await Promise.all([replica?.stop(), primary?.stop()]);
  });

  const replay = (action: 'pause' | 'resume') => replica.sql(`SELECT pg_wal_replay_${action}()`, [], 'mentor');
  const asAgent = <T>(query: string, variables?: Record<string, unknown>) => api.data<T>(query, variables, bearer(agent.token));

  test('with replay paused, a new publication is missing from the public lists, search, facets and feed (replica) but not from its editor’s reads (primary); then it appears', async () => {
    const before = await asAgent<Catalogue>(CATALOGUE);
    const { catalogueChanges: feedBefore } = await asAgent<Feed>(FEED);
    await replay('pause');
    let resumed = false;
    try {
      const draft = await createDraft(api, team.editor.token, { title: 'Réplication en continu' });
      await publish(api, team, draft.id); // mutations, and their payloads: the primary (publish checks status PUBLISHED)

      // The replica has not replayed it: public reads of a signed-in agent (never cached) do not show it.
      const lagging = await asAgent<Catalogue>(CATALOGUE);
      expect(ids(lagging)).not.toContain(draft.id);
      expect(lagging.trainings.totalCount).toBe(before.trainings.totalCount);
      expect(maaCount(lagging)).toBe(maaCount(before));
      const search = await asAgent<Catalogue>(`{ trainings(search: "réplication") { totalCount edges { node { id } } facets { partners { partner { slug } count } } } }`);
      expect(search.trainings.totalCount).toBe(0);
      expect((await asAgent<Feed>(FEED, { after: feedBefore.pageInfo.endCursor })).catalogueChanges.edges).toEqual([]);

      // Its editor reads the primary: their list (drafts included), the training itself.
      const editorList = await api.data<Catalogue>(`{ trainings(first: 100, filter: { statuses: [PUBLISHED, DRAFT] }) { totalCount edges { node { id } } facets { partners { partner { slug } count } } } }`, {}, bearer(team.editor.token));
      expect(ids(editorList)).toContain(draft.id);
      const own = await api.data<{ training: { id: string; status: string } | null }>('query($slug: String!) { training(slug: $slug) { id status } }', { slug: draft.slug }, bearer(team.editor.token));
      expect(own.training).toEqual({ id: draft.id, status: 'PUBLISHED' });

      // An anonymous answer is cached under the catalogue's newest version: never computed on a replica behind it.
      const anonymous = await api.gql<Catalogue>(CATALOGUE);
      expect(anonymous.headers.get('x-cache')).toBe('miss');
      expect(ids(anonymous.body.data!)).toContain(draft.id);
      const again = await api.gql<Catalogue>(CATALOGUE);
      expect(again.headers.get('x-cache')).toBe('hit');
      expect(ids(again.body.data!)).toContain(draft.id);

      await replay('resume');
      resumed = true;
      await caughtUp(primary, replica);
      const replayed = await asAgent<Catalogue>(CATALOGUE);
      expect(ids(replayed)).toContain(draft.id);
      expect(replayed.trainings.totalCount).toBe(before.trainings.totalCount + 1);
      expect(maaCount(replayed)).toBe(maaCount(before) + 1);
      expect((await asAgent<Catalogue>(`{ trainings(search: "réplication") { totalCount edges { node { id } } facets { partners { partner { slug } count } } } }`)).trainings.edges.map(edge => edge.node.id)).toEqual([draft.id]);
      const events = (await asAgent<Feed>(FEED, { after: feedBefore.pageInfo.endCursor })).catalogueChanges.edges.map(edge => [edge.node.type, edge.node.trainingId]);
      expect(events).toEqual([['TRAINING_PUBLISHED', draft.id]]);
    } finally {
      if (!resumed) await replay('resume');
    }
  });

  test('the feed read on the standby holds back what a transaction still open on the primary could precede, then gives both in order: no gap, no repeat', async () => {
    const draft = await createDraft(api, team.editor.token, { title: 'Flux lu sur la réplique' });
    await publish(api, team, draft.id);
    await caughtUp(primary, replica);
    const { catalogueChanges: start } = await asAgent<Feed>(FEED);
    const [{ id: trainingId }] = await primary.sql<{ id: string }>(`SELECT id FROM training WHERE slug = $1`, [draft.slug], 'mentor');
    // A slow writer: its transaction id is older than the session created below, its event not yet committed.
    const slow = new Client({ connectionString: primary.url('mentor') });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      const { rows: [{ xid }] } = await slow.query(`INSERT INTO catalogue_change (transaction_id, type, training_id) VALUES (pg_current_xact_id()::text::bigint, 'TRAINING_UPDATED', $1) RETURNING transaction_id AS xid`, [trainingId]);
      const session = await createSession(api, team.editor.token, draft.id); // commits a later transaction's event
      await caughtUp(primary, replica);
      // The standby's own horizon: its snapshot counts the primary's open transaction as running.
      const [{ held: horizonHeld }] = await replica.sql<{ held: boolean }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint <= $1 AS held', [xid], 'mentor');
      expect(horizonHeld).toBe(true);
      // Replayed on the standby, but below the slow writer in (transaction, id) order: held back, not skipped over.
      const [{ committed }] = await replica.sql<{ committed: number }>(`SELECT count(*)::int AS committed FROM catalogue_change WHERE session_id IS NOT NULL`, [], 'mentor');
      expect(committed).toBeGreaterThan(0);
      const held = await asAgent<Feed>(FEED, { after: start.pageInfo.endCursor });
      expect(held.catalogueChanges.edges).toEqual([]);

      await slow.query('COMMIT');
      await caughtUp(primary, replica);
      const both = await asAgent<Feed>(FEED, { after: start.pageInfo.endCursor });
      expect(both.catalogueChanges.edges.map(edge => [edge.node.type, edge.node.sessionId])).toEqual([
        ['TRAINING_UPDATED', null],
        ['SESSION_CREATED', session],
      ]);
      expect((await asAgent<Feed>(FEED, { after: both.catalogueChanges.pageInfo.endCursor })).catalogueChanges.edges).toEqual([]);
    } finally {
      await slow.end();
    }
  });

  test('with the replica down, reads fall back to the primary, readiness says so and stays ready; an API started then starts and serves', async () => {
    await replica.stop();
    const draft = await createDraft(api, team.editor.token, { title: 'Réplique arrêtée' });
    await publish(api, team, draft.id);
    expect(ids(await asAgent<Catalogue>(CATALOGUE))).toContain(draft.id);
    expect((await asAgent<Feed>(FEED)).catalogueChanges.edges.some(edge => edge.node.trainingId === draft.id)).toBe(true);
    const ready = await fetch(`${api.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', replicas: { available: 0, unavailable: 1 } });

    const second = await startTestApp({ DEMO_DATA: 'false', DATABASE_URL: primary.url('mentor'), DATABASE_REPLICA_URLS: replica.url('mentor') });
    try {
      const { trainings } = await second.data<Catalogue>(CATALOGUE); // its own secret: anonymous
      expect(trainings.edges.map(edge => edge.node.id)).toContain(draft.id);
      expect(await (await fetch(`${second.origin}/readyz`)).json()).toEqual({ status: 'ready', replicas: { available: 0, unavailable: 1 } });
    } finally {
      await second.stop();
    }
  });
});
