import { Modality } from '../../src/catalogue/catalogue.enums';
import { courseJsonLd, courseModeOf } from '../../src/catalogue/structured-data';
import { startTestApp, type Edges, type TestApp } from '../support/test-app';

let api: TestApp;
beforeAll(async () => {
  api = await startTestApp();
});
afterAll(() => api.stop());

type JsonLd = Record<string, any>;

/**
 * The schema.org types and properties this API writes (https://schema.org/Course, CourseInstance,
 * GovernmentOrganization, Place, VirtualLocation, EducationalOccupationalCredential): a property of
 * another type, a misspelt one or a missing @type fails here before a search engine ignores it.
 */
const SCHEMA_ORG: Record<string, string[]> = {
  Course: ['@context', '@type', '@id', 'url', 'name', 'description', 'provider', 'license', 'inLanguage', 'keywords', 'timeRequired', 'educationalCredentialAwarded', 'hasCourseInstance'],
  CourseInstance: ['@type', 'courseMode', 'startDate', 'endDate', 'location'],
  GovernmentOrganization: ['@type', 'name', 'alternateName', 'url'],
  Place: ['@type', 'name', 'address'],
  VirtualLocation: ['@type', 'url'],
  EducationalOccupationalCredential: ['@type', 'credentialCategory'],
};

/** Every object of the document has a known @type and only that type's properties; the root alone has @context. */
function checkJsonLd(node: JsonLd, root = true): void {
  expect(root ? node['@context'] : undefined).toBe(root ? 'https://schema.org' : undefined);
  expect(Object.keys(SCHEMA_ORG)).toContain(node['@type']);
  for (const [key, value] of Object.entries(node)) {
    expect(SCHEMA_ORG[node['@type']]).toContain(key);
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== null && typeof item === 'object') checkJsonLd(item, false);
    }
  }
}

test('a Course in JSON-LD: provider, licence, language, upcoming sessions not cancelled, credential', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  const session = (days: number, location: string | null, cancelled = false) => ({
    startsAt: new Date(now.getTime() + days * 86_400_000),
    endsAt: new Date(now.getTime() + days * 86_400_000 + 3_600_000),
    location,
    cancelled,
  });
  const document = courseJsonLd({
    training: { slug: 'échanger-entre-pairs', title: 'Échanger', summary: 'Entre pairs', modality: Modality.PEER_EXCHANGE, certifying: true, durationMinutes: 210, keywords: ['pairs', 'réseau'] },
    partner: { name: 'Direction générale de l’administration et de la fonction publique', acronym: 'DGAFP' },
    licence: { url: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence' },
    sessions: [session(-1, 'En ligne'), session(2, 'Lyon — IRA, 1 rue Chevreul'), session(3, 'En ligne', true), session(4, 'En ligne'), session(5, null)],
    appUrl: 'https://mentor.gouv.fr',
    now,
  });
  const page = 'https://mentor.gouv.fr/formations/%C3%A9changer-entre-pairs';
  expect(document).toEqual({
    '@context': 'https://schema.org',
    '@type': 'Course',
    '@id': page,
    url: page,
    name: 'Échanger',
    description: 'Entre pairs',
    provider: { '@type': 'GovernmentOrganization', name: 'Direction générale de l’administration et de la fonction publique', alternateName: 'DGAFP' },
    license: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence',
    inLanguage: 'fr',
    keywords: 'pairs, réseau',
    timeRequired: 'PT3H30M',
    educationalCredentialAwarded: { '@type': 'EducationalOccupationalCredential', credentialCategory: 'certification' },
    hasCourseInstance: [
      {
        '@type': 'CourseInstance',
        courseMode: 'onsite',
        startDate: '2026-12-03T00:00:00.000Z',
        endDate: '2026-12-03T01:00:00.000Z',
        location: { '@type': 'Place', name: 'Lyon — IRA, 1 rue Chevreul', address: 'Lyon — IRA, 1 rue Chevreul' },
      },
      { '@type': 'CourseInstance', courseMode: 'online', startDate: '2026-12-05T00:00:00.000Z', endDate: '2026-12-05T01:00:00.000Z', location: { '@type': 'VirtualLocation', url: page } },
      { '@type': 'CourseInstance', courseMode: 'online', startDate: '2026-12-06T00:00:00.000Z', endDate: '2026-12-06T01:00:00.000Z', location: { '@type': 'VirtualLocation', url: page } },
    ],
  });
  checkJsonLd(document);
});

test('courseMode by modality', () => {
  expect(courseModeOf(Modality.HYBRID, 'Paris')).toBe('blended');
  expect(courseModeOf(Modality.ENRICHED_PRESENTIAL, null)).toBe('onsite');
  for (const modality of [Modality.ONLINE_TUTORED, Modality.WEBINAR, Modality.VIRTUAL_CLASS, Modality.SELF_PACED]) expect(courseModeOf(modality, 'Paris')).toBe('online');
  expect(courseModeOf(Modality.PEER_EXCHANGE, 'À distance')).toBe('online');
  expect(courseModeOf(Modality.PEER_EXCHANGE, 'Rennes — Préfecture')).toBe('onsite');
});

type Item = { slug: string; structuredData?: JsonLd };

test('Training.structuredData through GraphQL, for the demo catalogue', async () => {
  const { trainings } = await api.data<{ trainings: Edges<Item> }>(`{ trainings(first: 100) { edges { node { slug structuredData } } } }`);
  const rows: { slug: string; licence_url: string; partner_name: string; upcoming: number; certifying: boolean }[] = await api.sql(`
    SELECT t.slug, l.url AS licence_url, p.name AS partner_name, t.certifying,
      (SELECT count(*)::int FROM training_session s WHERE s.training_id = t.id AND NOT s.cancelled AND s.starts_at > now()) AS upcoming
    FROM training t JOIN licence l ON l.id = t.licence_id JOIN partner p ON p.id = t.partner_id WHERE t.status = 'PUBLISHED'`);
  expect(trainings.edges).toHaveLength(rows.length);
  for (const { node } of trainings.edges) {
    const row = rows.find(candidate => candidate.slug === node.slug)!;
    const data = node.structuredData!;
    checkJsonLd(data);
    expect(data.url).toBe(`http://localhost:3000/formations/${node.slug}`);
    expect(data.provider.name).toBe(row.partner_name);
    expect(data.license).toBe(row.licence_url);
    expect(data.inLanguage).toBe('fr');
    expect(data.hasCourseInstance).toHaveLength(row.upcoming);
    expect('educationalCredentialAwarded' in data).toBe(row.certifying);
    for (const instance of data.hasCourseInstance) {
      expect(['online', 'onsite', 'blended']).toContain(instance.courseMode);
      expect(new Date(instance.startDate).getTime()).toBeGreaterThan(Date.now());
    }
  }
  // The demo's cancelled session is left out.
  const [cancelled] = await api.sql(`SELECT t.slug, s.starts_at FROM training_session s JOIN training t ON t.id = s.training_id
    WHERE s.cancelled AND s.starts_at > now() LIMIT 1`);
  expect(cancelled).toBeDefined();
  const withCancelled = trainings.edges.find(edge => edge.node.slug === cancelled.slug)!.node.structuredData!;
  expect(withCancelled.hasCourseInstance.map((instance: JsonLd) => instance.startDate)).not.toContain(new Date(cancelled.starts_at).toISOString());
});

test('cancelled sessions do not crowd out the real ones: 25 cancelled before one to come still describe that one', async () => {
  const [training] = await api.sql(`INSERT INTO training (slug, title, summary, modality, licence_id, collection_id, partner_id, status, published_at)
    SELECT 'sessions-annulees', 'Sessions annulées', 'r', 'HYBRID', licence_id, collection_id, partner_id, 'PUBLISHED', now() FROM training LIMIT 1 RETURNING id`);
  await api.sql(
    `INSERT INTO training_session (training_id, starts_at, ends_at, enrolment_opens_at, enrolment_closes_at, cancelled)
     SELECT $1, now() + make_interval(days => n), now() + make_interval(days => n, hours => 2), now() - interval '1 day', now() + make_interval(days => n), n <= 25
     FROM generate_series(1, 26) AS n`,
    [training.id],
  );
  const { training: read } = await api.data<{ training: { structuredData: JsonLd } }>(`{ training(slug: "sessions-annulees") { structuredData } }`);
  expect(read.structuredData.hasCourseInstance).toHaveLength(1);
});

test('a page with structuredData costs a fixed number of statements, whatever its size', async () => {
  const page = (withData: boolean) => `query($first: Int!) { trainings(first: $first) { edges { node { slug title partner { name }
    sessions(upcoming: true, first: 3) { edges { node { startsAt location } } } ${withData ? 'structuredData' : ''} } } } }`;
  await api.gql('{ trainings(first: 1) { edges { node { licence { code } } } } }'); // reference data cached by the process, as in statements.test.ts
  const counts: Record<string, number> = {};
  for (const withData of [false, true]) {
    for (const first of [5, 20]) {
      const response = await api.gql<{ trainings: Edges<Item> }>(page(withData), { first });
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.trainings.edges).toHaveLength(first);
      counts[`${withData ? 'with' : 'without'} ${first}`] = response.statements;
    }
  }
  expect(counts['with 5']).toBe(counts['with 20']);
  expect(counts['without 5']).toBe(counts['without 20']);
  // The next 20 sessions of every training of the page: one window-function statement more.
  expect(counts).toEqual({ 'without 5': 2, 'without 20': 2, 'with 5': 3, 'with 20': 3 });
});
