import { nodes, startTestApp, type Edges, type PageInfo, type TestApp } from '../support/test-app';

let api: TestApp;
beforeAll(async () => {
  api = await startTestApp();
});
afterAll(() => api.stop());

const SEARCH = `query($search: String, $orderBy: TrainingOrder, $first: Int, $after: String, $filter: TrainingFilter) {
  trainings(search: $search, orderBy: $orderBy, first: $first, after: $after, filter: $filter) {
    totalCount edges { cursor node { slug title } } pageInfo { hasNextPage endCursor } } }`;
type Found = Edges<{ slug: string; title: string }> & { totalCount: number; pageInfo: PageInfo };

/** A page of `SEARCH` that must go through. */
const search = async (variables: Record<string, unknown>) => (await api.data<{ trainings: Found }>(SEARCH, variables)).trainings;
/** `SEARCH` as sent, for the refusals. */
const searchResponse = (variables: Record<string, unknown>) => api.gql<{ trainings: Found }>(SEARCH, variables);
const titlesOf = (found: Found) => nodes(found).map(node => node.title);

async function titles(text: string, extra: Record<string, unknown> = {}): Promise<string[]> {
  return titlesOf(await search({ search: text, first: 100, ...extra }));
}
/** The list (search, order) that a page's `endCursor` names. */
const cursorList = (found: Found) => JSON.parse(Buffer.from(found.pageInfo.endCursor!, 'base64url').toString()).l as string;

describe('French full-text search', () => {
  test.each(['marchés publics', 'marches publics', 'MARCHÉS', 'marché', 'Marches'])(
    '%p finds the public procurement fundamentals (accents, plural and case ignored)',
    async search => {
      expect(await titles(search)).toContain('Marchés publics : les fondamentaux');
    },
  );

  test('the last word also matches as a prefix (search as you type)', async () => {
    expect(await titles('télétrav')).toContain('Manager une équipe en télétravail');
    expect(await titles('manager une équipe en télétr')).toContain('Manager une équipe en télétravail');
    expect(await titles('risques psycho')).toEqual(expect.arrayContaining([
      'Prévenir les risques psychosociaux : le rôle du manager',
      "Risques psychosociaux : comprendre, repérer et agir en tant qu'agent",
    ]));
  });

  test('a misspelt word falls back to trigram similarity', async () => {
    expect(await titles('teletravial')).toContain('Manager une équipe en télétravail');
    expect(await titles('cybersecurit')).toContain("Cybersécurité : les bons réflexes d'hygiène informatique");
  });

  test('pages of a typo-tolerant search follow the same list', async () => {
    const first = await search({ search: 'teletravial', first: 1 });
    const all = await titles('teletravial');
    if (first.pageInfo.hasNextPage) {
      const next = await search({ search: 'teletravial', first: 100, after: first.pageInfo.endCursor });
      expect([...titlesOf(first), ...titlesOf(next)]).toEqual(all);
    } else {
      expect(first.totalCount).toBe(1);
    }
  });

  test('exclusion, phrases and or, in web-search syntax', async () => {
    const procurement = await titles('marchés');
    const withoutFundamentals = await titles('marchés -fondamentaux');
    expect(procurement).toContain('Marchés publics : les fondamentaux');
    expect(withoutFundamentals).not.toContain('Marchés publics : les fondamentaux');
    expect(withoutFundamentals.length).toBe(procurement.filter(t => !/fondamentaux/i.test(t)).length);

    const phrase = await titles('"commande publique responsable"');
    expect(phrase).toContain('Commande publique responsable : intégrer les considérations sociales et environnementales');
    // A phrase matches adjacent words only, which plain words do not require.
    const count = async (query: string) => (await api.sql(`SELECT count(*)::int AS n FROM training
      WHERE status = 'PUBLISHED' AND search_document @@ websearch_to_tsquery('french_unaccent', $1)`, [query]))[0].n;
    const adjacent = await count('"fonction publique"');
    expect(adjacent).toBeGreaterThan(0);
    expect(adjacent).toBeLessThan(await count('publique fonction'));
    expect(await titles('"fonction publique"')).toHaveLength(adjacent);

    const either = await titles('RenoiRH or LOLF');
    expect(either).toEqual(expect.arrayContaining(['RenoiRH pour les gestionnaires RH de proximité', "Comprendre la LOLF et le budget de l'État"]));
  });

  test("the partner's name and acronym and the collection's name are searched too", async () => {
    const [{ count: dae }] = await api.sql(`SELECT count(*)::int AS count FROM training t JOIN partner p ON p.id = t.partner_id
      WHERE p.slug = 'dae' AND t.status = 'PUBLISHED'`);
    const byName = await search({ search: 'Direction des achats', first: 100, filter: { partners: ['dae'] } });
    expect(byName.totalCount).toBe(dae);
    expect((await titles('DINUM')).length).toBeGreaterThan(0);
    const ecology = await search({ search: 'transition écologique', first: 1, filter: { collections: ['transition-ecologique'] } });
    const [{ count: inCollection }] = await api.sql(`SELECT count(*)::int AS count FROM training t JOIN collection c ON c.id = t.collection_id
      WHERE c.slug = 'transition-ecologique' AND t.status = 'PUBLISHED'`);
    expect(ecology.totalCount).toBe(inCollection);
  });

  test('a renamed partner is found under its new name (the search document follows)', async () => {
    await api.sql(`UPDATE partner SET name = 'Institut Zéphyrin de Lyon' WHERE slug = 'ira-lyon'`);
    try {
      const found = await search({ search: 'zephyrin', first: 1 });
      const [{ count }] = await api.sql(`SELECT count(*)::int AS count FROM training t JOIN partner p ON p.id = t.partner_id
        WHERE p.slug = 'ira-lyon' AND t.status = 'PUBLISHED'`);
      expect(found.totalCount).toBe(count);
    } finally {
      await api.sql(`UPDATE partner SET name = 'Institut régional d’administration de Lyon' WHERE slug = 'ira-lyon'`);
    }
  });

  test('a title match ranks above a match in the body (RELEVANCE is the default with a search)', async () => {
    const ranked = await titles('mobilité');
    for (const title of ranked.slice(0, 2)) expect(title).toMatch(/mobilit/i);
  });

  test('RELEVANCE pagination walks every match once, ties broken stably', async () => {
    const all = await titles('fonction publique');
    const walked: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 40; page++) {
      const page: Found = await search({ search: 'fonction publique', first: 2, after });
      walked.push(...titlesOf(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(all.length).toBeGreaterThan(2);
    expect(walked).toEqual(all);
  });

  test.each(['NEWEST', 'TITLE', 'NEXT_SESSION'])('a search can be ordered by %s', async orderBy => {
    const relevance = await titles('agents');
    const ordered = await titles('agents', { orderBy });
    expect([...ordered].sort()).toEqual([...relevance].sort());
  });

  test.each(['NEWEST', 'NEXT_SESSION'])('a search ordered by %s is in that order, not only the same set', async orderBy => {
    type Session = { startsAt: string; enrolmentClosesAt: string; cancelled: boolean };
    const { trainings } = await api.data<{ trainings: Edges<{ publishedAt: string; sessions: Edges<Session> }> }>(`query($orderBy: TrainingOrder) {
      trainings(search: "agents", orderBy: $orderBy, first: 50) { edges { node {
        publishedAt sessions(upcoming: true, first: 20) { edges { node { startsAt enrolmentClosesAt cancelled } } } } } } }`, { orderBy });
    const now = Date.now();
    const keys: (number | null)[] = nodes(trainings).map(node => {
      if (orderBy === 'NEWEST') return -Date.parse(node.publishedAt);
      const open = nodes(node.sessions)
        .filter(session => !session.cancelled && Date.parse(session.enrolmentClosesAt) > now)
        .map(session => Date.parse(session.startsAt));
      return open.length ? Math.min(...open) : null;
    });
    expect(keys.length).toBeGreaterThan(3);
    // Ascending keys, trainings without an open session last.
    const sorted = [...keys].sort((a, b) => (a === null ? 1 : b === null ? -1 : a - b));
    expect(keys).toEqual(sorted);
    if (orderBy === 'NEXT_SESSION') expect(keys.some(key => key !== null)).toBe(true);
  });
});

describe('hostile search strings never reach SQL or tsquery as errors', () => {
  test.each([
    ['tsquery operators', 'marché & | ! ( ) :* <-> <2>'],
    ['SQL', "'; DROP TABLE training; --"],
    ['NUL bytes', 'march\u0000é public\u0000'],
    ['20,000 characters', 'formation '.repeat(2000)],
    ['unbalanced quote', '"marchés publics'],
    ['only an exclusion', '-marchés'],
    ['emoji and RTL', '📚 مرحبا formation'],
  ])('%s', async (_, text) => {
    expect(Array.isArray((await search({ search: text, first: 5 })).edges)).toBe(true);
  });

  test.each([['operators', '&|!():*'], ['quotes', `'"'"''"`], ['backslashes', '\\\\ \\" \\']])(
    'a query without any letter or digit (%s) is a clear BAD_USER_INPUT',
    async (_, text) => {
      const { body } = await searchResponse({ search: text, first: 5 });
      expect(body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'search' });
      expect(body.errors?.[0].message).toMatch(/au moins un mot/);
    },
  );

  test('a blank search lists the whole catalogue', async () => {
    const [blank, none] = await Promise.all([search({ search: '   ', first: 1 }), search({ first: 1 })]);
    expect(blank.totalCount).toBe(none.totalCount);
  });
});

const FACETS = `query($search: String, $filter: TrainingFilter) { trainings(search: $search, filter: $filter, first: 1) {
  totalCount facets {
    collections { collection { slug } count } partners { partner { slug } count }
    modalities { modality count } certifying { value count } } } }`;

type Facets = {
  collections: { collection: { slug: string }; count: number }[];
  partners: { partner: { slug: string }; count: number }[];
  modalities: { modality: string; count: number }[];
  certifying: { value: boolean; count: number }[];
};

async function facets(variables: Record<string, unknown>): Promise<{ totalCount: number; facets: Facets }> {
  return (await api.data<{ trainings: { totalCount: number; facets: Facets } }>(FACETS, variables)).trainings;
}

const sum = (items: { count: number }[]) => items.reduce((total, item) => total + item.count, 0);

describe('facets', () => {
  test('without filters every facet sums to totalCount; all 12 collections are listed, zero counts omitted elsewhere', async () => {
    const { totalCount, facets: f } = await facets({});
    expect(f.collections).toHaveLength(12);
    expect(sum(f.collections)).toBe(totalCount);
    expect(sum(f.partners)).toBe(totalCount);
    expect(sum(f.modalities)).toBe(totalCount);
    expect(sum(f.certifying)).toBe(totalCount);
    expect(f.partners.filter(p => p.count <= 0)).toEqual([]);
    expect(f.modalities.filter(m => m.count <= 0)).toEqual([]);
  });

  test("a facet's counts ignore its own filter, and the other facets apply it", async () => {
    const all = await facets({});
    const filtered = await facets({ filter: { collections: ['management'] } });
    expect(filtered.facets.collections).toEqual(all.facets.collections);
    const management = all.facets.collections.find(c => c.collection.slug === 'management')!.count;
    expect(filtered.totalCount).toBe(management);
    // The partner facet sums to totalCount under a collection filter.
    expect(sum(filtered.facets.partners)).toBe(filtered.totalCount);
    expect(sum(filtered.facets.modalities)).toBe(filtered.totalCount);
  });

  test('disjunctive within a facet: choosing two partners still shows every partner count', async () => {
    const all = await facets({});
    const twoPartners = await facets({ filter: { partners: ['maa', 'dae'] } });
    expect(twoPartners.facets.partners).toEqual(all.facets.partners);
    const expected = all.facets.partners.filter(p => ['maa', 'dae'].includes(p.partner.slug));
    expect(twoPartners.totalCount).toBe(sum(expected));
  });

  test('facets follow the search and the other filters', async () => {
    const result = await facets({ search: 'marchés', filter: { certifying: false, modalities: ['HYBRID', 'WEBINAR', 'ENRICHED_PRESENTIAL', 'VIRTUAL_CLASS', 'ONLINE_TUTORED', 'SELF_PACED', 'PEER_EXCHANGE'] } });
    expect(sum(result.facets.collections)).toBe(result.totalCount);
    expect(sum(result.facets.partners)).toBe(result.totalCount);
    const [{ count }] = await api.sql(`SELECT count(*)::int AS count FROM training t
      WHERE t.status = 'PUBLISHED' AND t.search_document @@ websearch_to_tsquery('french_unaccent', 'marchés')`);
    expect(sum(result.facets.certifying)).toBe(count);
  });

  test('facets are computed only when asked for', async () => {
    const without = await api.gql('{ trainings(first: 1) { totalCount } }');
    const withFacets = await api.gql('{ trainings(first: 1) { totalCount facets { certifying { count } } } }');
    expect(without.statements).toBe(1); // the page, counted in the same statement
    expect(withFacets.statements).toBe(2); // + all facets in one statement
  });
});

describe('statements per request', () => {
  beforeAll(async () => {
    for (const suffix of ['copie-1', 'copie-2']) {
      await api.sql(`INSERT INTO training (slug, title, summary, objectives, audience, keywords, modality, licence_id, collection_id, partner_id, status, published_at)
        SELECT slug || '-${suffix}', title, summary, objectives, audience, keywords, modality, licence_id, collection_id, partner_id, status, published_at
        FROM training WHERE slug NOT LIKE '%-copie-%'`);
    }
  });

  test('a search page with facets costs the same for 5 and for 50 trainings', async () => {
    await api.gql('{ trainings(first: 1) { edges { node { licence { code } } } } }'); // warm the reference data cache, as a running process has
    const page = `query($first: Int!) { trainings(search: "agents", first: $first) { totalCount
      facets { collections { count } partners { partner { slug } count } }
      edges { node { title partner { slug } collection { slug } licence { code } sessions(first: 3, upcoming: true) { edges { node { seatsLeft } } } } } } }`;
    const small = await api.gql(page, { first: 5 });
    const large = await api.gql<{ trainings: Edges<object> & { totalCount: number } }>(page, { first: 50 });
    expect(large.body.errors).toBeUndefined();
    expect(large.body.data?.trainings.totalCount).toBeGreaterThanOrEqual(50);
    expect(large.body.data?.trainings.edges).toHaveLength(50);
    expect(large.statements).toBe(small.statements);
  });
});

describe('review cases', () => {
  test('search as you type finds words whose French stem differs from the prefix', async () => {
    const full = await titles('formation');
    const typed = await titles('formatio');
    expect(full.length).toBeGreaterThan(0);
    expect(typed).toEqual(expect.arrayContaining(full.filter(title => /formation/i.test(title))));
    expect(await titles('psychosoc')).toEqual(expect.arrayContaining([
      'Prévenir les risques psychosociaux : le rôle du manager',
      "Risques psychosociaux : comprendre, repérer et agir en tant qu'agent",
    ]));
    expect(await titles('la mobil')).toEqual(expect.arrayContaining(['Préparer sa mobilité : bilan, projet et candidature']));
  });

  test('`or` keeps web-search precedence even when the query could end with a prefix', async () => {
    const query = 'budget or comptable publique';
    const [{ n }] = await api.sql(`SELECT count(*)::int AS n FROM training WHERE status = 'PUBLISHED'
      AND search_document @@ websearch_to_tsquery('french_unaccent', $1)`, [query]);
    const found = await search({ search: query, first: 1 });
    expect(n).toBeGreaterThan(0);
    expect(found.totalCount).toBe(n);
  });

  test('facets stay honest when a filter hides every full-text match (no typo fallback then)', async () => {
    const hidden = await facets({ search: 'marchés', filter: { collections: ['langues'] } });
    expect(hidden.totalCount).toBe(0);
    for (const { collection, count } of hidden.facets.collections.filter(c => c.count > 0)) {
      const clicked = await search({ search: 'marchés', first: 1, filter: { collections: [collection.slug] } });
      expect(clicked.totalCount).toBe(count);
    }
    expect(sum(hidden.facets.collections)).toBeGreaterThan(0);
  });

  test('a typo-tolerant search with several matches pages through all of them once', async () => {
    const all = await titles('psycosociaux');
    expect(all.length).toBeGreaterThanOrEqual(2);
    const first = await search({ search: 'psycosociaux', first: 1 });
    const next = await search({ search: 'psycosociaux', first: 100, after: first.pageInfo.endCursor });
    expect([...titlesOf(first), ...titlesOf(next)]).toEqual(all);
  });

  test('typo tolerance honours exclusions', async () => {
    const typo = await titles('managr');
    expect(typo).toContain('Manager une équipe en télétravail');
    expect(await titles('managr -télétravail')).not.toContain('Manager une équipe en télétravail');
  });

  test.each([
    ['TITLE', (t: string[]) => t.map(x => x.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, ''))],
  ])('a search ordered by %s comes in that order', async (orderBy, fold) => {
    const ordered = fold(await titles('agents', { orderBy }));
    expect(ordered.length).toBeGreaterThan(2);
    expect(ordered).toEqual([...ordered].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  test('cursors with out-of-range keys, or from another search, are BAD_USER_INPUT', async () => {
    const forge = (fields: object) => Buffer.from(JSON.stringify(fields)).toString('base64url');
    const page = await search({ search: 'agents', first: 1 });
    const id = '00000000-0000-4000-8000-000000000000';
    for (const key of ['1e50', '1e-50', 'NaN']) {
      const { body } = await searchResponse({ search: 'agents', first: 1, after: forge({ l: cursorList(page), k: key, i: id }) });
      expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    const other = await searchResponse({ search: 'marchés', first: 1, after: page.pageInfo.endCursor });
    expect(other.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    const newestList = cursorList(await search({ first: 1, orderBy: 'NEWEST' }));
    for (const key of ['0000-01-01 00:00:00', '2024-02-30 00:00:00+00', '2024-01-01 25:00:00+00']) {
      const { body } = await searchResponse({ first: 1, orderBy: 'NEWEST', after: forge({ l: newestList, k: key, i: id }) });
      expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    const titleList = cursorList(await search({ first: 1, orderBy: 'TITLE' }));
    const nul = await searchResponse({ first: 1, orderBy: 'TITLE', after: forge({ l: titleList, k: 'a\u0000b', i: id }) });
    expect(nul.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
