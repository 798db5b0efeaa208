import { ReferenceData1795917788749 } from '../../migrations/1795917788749-ReferenceData';
import { nodes, startTestApp, type Edges, type TestApp } from '../support/test-app';

let api: TestApp;
beforeAll(async () => {
  api = await startTestApp();
});
afterAll(() => api.stop());

const COLLECTIONS = [
  'achat-public', 'finances-publiques', 'langues', 'ressources-humaines', 'techniques-et-affaires-juridiques',
  'missions-des-ministeres', 'management', 'numerique', 'concours-et-examens', 'valeurs-de-la-republique',
  'transformation-de-l-action-publique', 'transition-ecologique',
];

test('the 12 collections come in display order with their published training counts', async () => {
  const { collections } = await api.data<{ collections: { slug: string; name: string; position: number; trainingCount: number }[] }>(
    '{ collections { slug name position trainingCount } }');
  expect(collections.map(c => c.slug)).toEqual(COLLECTIONS);
  expect(collections.map(c => c.position)).toEqual(COLLECTIONS.map((_, i) => i + 1));
  const [{ count }] = await api.sql(`SELECT count(*)::int AS count FROM training WHERE status = 'PUBLISHED'`);
  const counted = collections.reduce((sum, c) => sum + c.trainingCount, 0);
  expect(counted).toBe(count);
});

test('partners carry kind and e-mail domains, and filter by kind', async () => {
  const { partners, schools } = await api.data<{ partners: { slug: string }[]; schools: { slug: string }[] }>(
    '{ partners { slug acronym kind emailDomains } schools: partners(kind: SCHOOL) { slug } }');
  const bySlug = Object.fromEntries(partners.map(p => [p.slug, p]));
  expect(Object.keys(bySlug).sort()).toEqual(['dae', 'dgafp', 'dinum', 'ira-lyon', 'maa']);
  expect(bySlug.maa).toMatchObject({ kind: 'MINISTRY', emailDomains: ['agriculture.gouv.fr'] });
  expect(bySlug.dae).toMatchObject({ kind: 'INTERMINISTERIAL_DIRECTORATE', emailDomains: ['finances.gouv.fr'] });
  expect(schools).toEqual([{ slug: 'ira-lyon' }]);
});

test('licences by SPDX-style code, with what they allow', async () => {
  const { licences } = await api.data<{ licences: { code: string; url: string }[] }>('{ licences { code name url allowsSharing allowsAdaptation allowsCommercialUse } }');
  const byCode = Object.fromEntries(licences.map(l => [l.code, l]));
  expect(Object.keys(byCode).sort()).toEqual([
    'CC-BY-4.0', 'CC-BY-NC-4.0', 'CC-BY-NC-ND-4.0', 'CC-BY-NC-SA-4.0', 'CC-BY-ND-4.0', 'CC-BY-SA-4.0', 'CC0-1.0',
    'LicenseRef-all-rights-reserved', 'etalab-2.0',
  ]);
  expect(byCode['CC-BY-NC-ND-4.0']).toMatchObject({ allowsSharing: true, allowsAdaptation: false, allowsCommercialUse: false });
  expect(byCode['LicenseRef-all-rights-reserved']).toMatchObject({ allowsSharing: false });
  expect(byCode['etalab-2.0'].url).toMatch(/^https:\/\//);
});

test('the FAQ and the guided tour come in order: by scope (FAQ category, tour page), then position from 1', async () => {
  type Item = { scope: string; position: number };
  const { faq, tour } = await api.data<{ faq: Item[]; tour: Item[] }>(
    '{ faq { question answer scope: category position } tour { scope: page target title body position } }');
  expect(faq.length).toBeGreaterThanOrEqual(3);
  expect(tour.length).toBeGreaterThanOrEqual(3);
  for (const items of [faq, tour]) {
    const scopes = [...new Set(items.map(item => item.scope))];
    expect(items.map(item => item.scope)).toEqual(scopes.flatMap(scope => items.filter(item => item.scope === scope).map(() => scope)));
    for (const scope of scopes) {
      const positions = items.filter(item => item.scope === scope).map(item => item.position);
      expect(positions).toEqual(positions.map((_, index) => index + 1));
    }
  }
});

test('reference data is inserted again idempotently: running its migration twice adds nothing', async () => {
  const runner = api.app.database.dataSource.createQueryRunner();
  try {
    await new ReferenceData1795917788749().up(runner);
  } finally {
    await runner.release();
  }
  const [counts] = await api.sql(`SELECT (SELECT count(*) FROM collection)::int AS collections,
    (SELECT count(*) FROM partner)::int AS partners, (SELECT count(*) FROM licence)::int AS licences`);
  expect(counts).toEqual({ collections: 12, partners: 5, licences: 9 });
});

describe('demo catalogue', () => {
  const sql = (query: string) => api.sql(query).then(rows => rows[0]);

  test('at least 34 published trainings over 6+ collections, 5+ modalities, several partners and licences', async () => {
    const spread = await sql(`SELECT count(*)::int AS trainings, count(DISTINCT collection_id)::int AS collections,
      count(DISTINCT modality)::int AS modalities, count(DISTINCT partner_id)::int AS partners, count(DISTINCT licence_id)::int AS licences
      FROM training WHERE status = 'PUBLISHED'`);
    expect(spread.trainings).toBeGreaterThanOrEqual(34);
    expect(spread.collections).toBeGreaterThanOrEqual(6);
    expect(spread.modalities).toBeGreaterThanOrEqual(5);
    expect(spread.partners).toBeGreaterThanOrEqual(3);
    expect(spread.licences).toBeGreaterThanOrEqual(3);
  });

  test('models the real offer: CPF, RPS, territorial State, procurement, mobility and the three Agriculture offers', async () => {
    const trainings = nodes(
      (await api.data<{ trainings: Edges<{ title: string; partner: { slug: string } }> }>('{ trainings(first: 100) { edges { node { title partner { slug } } } } }')).trainings,
    );
    const has = (pattern: RegExp, partner?: string) =>
      trainings.some(t => pattern.test(t.title) && (!partner || t.partner.slug === partner));
    expect(has(/CPF|compte personnel de formation/i)).toBe(true);
    expect(has(/risques psychosociaux|RPS/i)).toBe(true);
    expect(has(/organisation territoriale/i)).toBe(true);
    expect(has(/march[ée]s publics|commande publique/i)).toBe(true);
    expect(has(/mobilit[ée]/i)).toBe(true);
    expect(has(/RenoiRH/, 'maa')).toBe(true);
    expect(has(/IFT/, 'maa')).toBe(true);
    expect(has(/classe virtuelle/i, 'maa')).toBe(true);
  });

  test('sessions: past, upcoming, limited and unlimited, some cancelled', async () => {
    const sessions = await sql(`SELECT count(*) FILTER (WHERE starts_at < now())::int AS past,
      count(*) FILTER (WHERE starts_at > now())::int AS upcoming, count(*) FILTER (WHERE capacity IS NULL)::int AS unlimited,
      count(*) FILTER (WHERE capacity IS NOT NULL)::int AS limited, count(*) FILTER (WHERE cancelled)::int AS cancelled
      FROM training_session`);
    for (const kind of ['past', 'upcoming', 'unlimited', 'limited', 'cancelled']) expect(sessions[kind]).toBeGreaterThan(0);
    const inverted = await sql(`SELECT count(*)::int AS n FROM training_session WHERE ends_at <= starts_at OR enrolment_closes_at > ends_at`);
    expect(inverted.n).toBe(0);
  });

  test('slugs are derived from French titles with accents folded', async () => {
    const rows = await api.sql(`SELECT slug FROM training`);
    for (const { slug } of rows) expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});
