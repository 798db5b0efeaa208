import { startApiProcesses, type ApiProcesses } from '../support/processes';

/**
 * Two API processes on one PostgreSQL share their cached answers through Redis; a catalogue change
 * committed anywhere (here straight in SQL, as an import or another process would) is seen by both
 * within a second, by notification; seat counts catch up within their max-age.
 */
const onSharedServer = process.env.DATABASE_URL ? describe : describe.skip;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

onSharedServer('two processes sharing Redis', () => {
  let cluster: ApiProcesses;
  let urls: string[];
  let sql: ApiProcesses['sql'];

  beforeAll(async () => {
    cluster = await startApiProcesses([{ REDIS_URL }, { REDIS_URL }]);
    ({ urls, sql } = cluster);
  }, 120_000);
  afterAll(() => cluster?.remove());

  async function ask(url: string, query: string, variables?: Record<string, unknown>) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return { cache: response.headers.get('x-cache'), body: (await response.json()) as { data: Record<string, never> } };
  }

  /** Milliseconds until `done` holds for the answers of both processes (gives up after `limitMs`). */
  async function untilBoth(query: string, done: (data: Record<string, never>) => boolean, limitMs: number, variables?: Record<string, unknown>): Promise<number> {
    const started = Date.now();
    for (;;) {
      const answers = await Promise.all(urls.map(url => ask(url, query, variables)));
      if (answers.every(answer => done(answer.body.data))) return Date.now() - started;
      if (Date.now() - started > limitMs) throw new Error(`not seen by both processes after ${limitMs} ms: ${JSON.stringify(answers.map(a => a.body.data))}`);
      await new Promise(resolve => setTimeout(resolve, 20));
    }
  }

  test('an answer cached by one process is a hit in the other', async () => {
    const query = '{ trainings(first: 7, orderBy: TITLE) { edges { node { slug } } } }';
    const first = await ask(urls[0], query);
    const second = await ask(urls[1], query);
    expect([first.cache, second.cache]).toEqual(['miss', 'hit']);
    expect(second.body).toEqual(first.body);
  });

  test('a partner renamed: both processes show the new name within a second, reference data included', async () => {
    const query = '{ partners { slug name } trainings(first: 3) { edges { node { partner { slug name } } } } }';
    const names = (data: Record<string, never>) => [
      ...(data.partners as { name: string }[]).map(partner => partner.name),
      ...(data.trainings as { edges: { node: { partner: { name: string } } }[] }).edges.map(edge => edge.node.partner.name),
    ];
    await untilBoth(query, data => names(data).length > 0, 1_000);
    expect((await ask(urls[0], query)).cache).toBe('hit');
    const { rows: [partner] } = await sql.query(`SELECT p.id, p.name FROM partner p JOIN training t ON t.partner_id = p.id AND t.status = 'PUBLISHED'
      ORDER BY t.published_at DESC, t.id DESC LIMIT 1`);
    await sql.query(`UPDATE partner SET name = name || ' (renommé)' WHERE id = $1`, [partner.id]);
    const renamed = `${partner.name} (renommé)`;
    expect(await untilBoth(query, data => names(data).filter(name => name === renamed).length >= 2, 1_000)).toBeLessThan(1_000);
  });

  test('a training archived, a session moved: both processes show it within a second', async () => {
    const list = '{ trainings(first: 100) { edges { node { slug } } } }';
    const slugs = (data: Record<string, never>) => (data.trainings as { edges: { node: { slug: string } }[] }).edges.map(edge => edge.node.slug);
    const { rows: [archived] } = await sql.query(`SELECT slug FROM training WHERE status = 'PUBLISHED' ORDER BY slug LIMIT 1`);
    await untilBoth(list, data => slugs(data).includes(archived.slug), 1_000);
    expect((await Promise.all(urls.map(url => ask(url, list)))).map(answer => answer.cache)).toEqual(['hit', 'hit']);
    await sql.query(`UPDATE training SET status = 'ARCHIVED', archived_at = now() WHERE slug = $1`, [archived.slug]);
    expect(await untilBoth(list, data => !slugs(data).includes(archived.slug), 1_000)).toBeLessThan(1_000);

    const { rows: [session] } = await sql.query(`SELECT s.id, t.slug FROM training_session s JOIN training t ON t.id = s.training_id
      WHERE t.status = 'PUBLISHED' ORDER BY s.starts_at DESC LIMIT 1`);
    const sheet = 'query($slug: String!) { training(slug: $slug) { sessions(first: 50) { edges { node { location } } } } }';
    const locations = (data: Record<string, never>) => (data.training as { sessions: { edges: { node: { location: string } }[] } }).sessions.edges.map(edge => edge.node.location);
    await untilBoth(sheet, data => !locations(data).includes('Salle des fêtes de Vichy'), 1_000, { slug: session.slug });
    await sql.query(`UPDATE training_session SET location = 'Salle des fêtes de Vichy' WHERE id = $1`, [session.id]);
    expect(await untilBoth(sheet, data => locations(data).includes('Salle des fêtes de Vichy'), 1_000, { slug: session.slug })).toBeLessThan(1_000);
  });

  test('seat counts in cached lists catch up within five seconds', async () => {
    const { rows: [session] } = await sql.query(`INSERT INTO training_session (training_id, starts_at, ends_at, enrolment_opens_at, enrolment_closes_at, capacity)
      SELECT id, now() + interval '20 days', now() + interval '21 days', now() - interval '1 day', now() + interval '19 days', 10
      FROM training WHERE status = 'PUBLISHED' ORDER BY slug DESC LIMIT 1 RETURNING id, training_id`);
    const { rows: [training] } = await sql.query('SELECT slug FROM training WHERE id = $1', [session.training_id]);
    const query = 'query($slug: String!) { training(slug: $slug) { sessions(first: 50) { edges { node { capacity seatsLeft } } } } }';
    const seatsLeft = (data: Record<string, never>) => (data.training as { sessions: { edges: { node: { capacity: number; seatsLeft: number } }[] } }).sessions.edges
      .filter(edge => edge.node.capacity === 10).map(edge => edge.node.seatsLeft);
    await untilBoth(query, data => seatsLeft(data).includes(10), 1_000, { slug: training.slug });
    await sql.query(`INSERT INTO enrolment (user_id, session_id, status)
      SELECT id, $1, 'CONFIRMED' FROM user_account ORDER BY id LIMIT 4`, [session.id]);
    expect(await untilBoth(query, data => seatsLeft(data).includes(6), 6_000, { slug: training.slug })).toBeLessThanOrEqual(5_500);
  });
});
