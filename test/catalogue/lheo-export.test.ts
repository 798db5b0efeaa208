import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { lheoEtag } from '../../src/catalogue/lheo-export';
import { LHEO_CACHE_DIR } from '../../src/catalogue/lheo-file-cache';
import { Modality } from '../../src/catalogue/catalogue.enums';
import { escapeAttribute, escapeText, xmlSafe } from '../../src/catalogue/xml-text';
import { eventually } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

// lheoEtag as it is, but a test may make one call fail (the state check at the end of a document).
jest.mock('../../src/catalogue/lheo-export', () => {
  const actual = jest.requireActual<typeof import('../../src/catalogue/lheo-export')>('../../src/catalogue/lheo-export');
  return { ...actual, lheoEtag: jest.fn(actual.lheoEtag) };
});

const run = promisify(execFile);
const SCHEMA = path.join(__dirname, '../fixtures/lheo/lheo.xsd');

let api: TestApp;
let dir: string;
beforeAll(async () => {
  await run('xmllint', ['--version']).catch(() => {
    throw new Error("xmllint is missing: install Debian's libxml2-utils (apt-get install -y libxml2-utils); .ci/run installs it when absent");
  });
  dir = await mkdtemp(path.join(tmpdir(), 'mentor-lheo-'));
  api = await startTestApp();
});
afterAll(async () => {
  await api.stop();
  await rm(dir, { recursive: true, force: true });
});

async function getExport(headers: Record<string, string> = {}) {
  const response = await fetch(`${api.origin}/exports/lheo.xml`, { headers });
  return { response, body: await response.text() };
}

/** xmllint's verdict on the document against the LHEO 2.3 schema (its messages on failure). */
async function validate(xml: string): Promise<void> {
  const file = path.join(dir, `lheo-${Date.now()}.xml`);
  await writeFile(file, xml);
  const result = await run('xmllint', ['--noout', '--schema', SCHEMA, file]).then(
    () => 'valid',
    (error: { stderr: string }) => error.stderr.split('\n').slice(0, 20).join('\n'),
  );
  expect(result).toBe('valid');
}

/** XPath over the document, namespaces aside (xmllint evaluates it). */
async function xpath(xml: string, expression: string): Promise<string> {
  const file = path.join(dir, `xpath-${Date.now()}.xml`);
  await writeFile(file, xml);
  const { stdout } = await run('xmllint', ['--xpath', expression, file]);
  return stdout.replace(/\n$/, ''); // xmllint ends its answer with a line feed
}
const el = (name: string) => `*[local-name()='${name}']`;

/** The files the export keeps (in the app's DATA_DIR), by name; the name of a finished one is its ETag's. */
const cacheFiles = async () => (await readdir(path.join(api.app.config.dataDir, LHEO_CACHE_DIR)).catch(() => [])).sort();
const fileOf = (etag: string) => `${etag.replace(/"/g, '')}.xml`;

/** Whether a statement reads the published trainings' batch (`BATCH_QUERY` in lheo-export.ts). */
const readsTrainings = (sql: string) => /\bFROM training t\b/.test(sql);

/** `getExport`, and how many statements reading trainings the app sent meanwhile (the export reads through its DataSource). */
async function getExportCountingReads() {
  const query = jest.spyOn(api.app.database.dataSource, 'query');
  try {
    const { response, body } = await getExport();
    return { response, body, trainingReads: query.mock.calls.filter(([sql]) => readsTrainings(sql)).length };
  } finally {
    query.mockRestore();
  }
}

/** A published training written straight to the database (with an existing one's licence, collection and partner): its id. */
async function publishedTraining(slug: string, title: string, modality = 'HYBRID'): Promise<string> {
  const [training] = await api.sql(
    `INSERT INTO training (slug, title, summary, modality, licence_id, collection_id, partner_id, status, published_at)
     SELECT $1, $2, 'Résumé', $3, licence_id, collection_id, partner_id, 'PUBLISHED', now() FROM training LIMIT 1 RETURNING id`,
    [slug, title, modality],
  );
  return training.id;
}

/** A session in 10 days, open for enrolment, 10 seats, none taken. */
async function openSession(trainingId: string, externalRef: string): Promise<void> {
  await api.sql(
    `INSERT INTO training_session (training_id, external_ref, starts_at, ends_at, enrolment_opens_at, enrolment_closes_at, capacity, seats_taken)
     VALUES ($1, $2, now() + interval '10 days', now() + interval '11 days', now() - interval '1 day', now() + interval '9 days', 10, 0)`,
    [trainingId, externalRef],
  );
}

test('the demo catalogue is valid LHEO 2.3, one formation per published training, its sessions to come', async () => {
  const { response, body } = await getExport();
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
  expect(response.headers.get('content-length')).toBeNull(); // streamed, in chunks
  expect(response.headers.get('etag')).toMatch(/^"lheo-[\w-]+"$/);
  await validate(body);

  const [{ published, sessions }] = await api.sql(`SELECT
    (SELECT count(*)::int FROM training WHERE status = 'PUBLISHED') AS published,
    (SELECT count(*)::int FROM training_session s JOIN training t ON t.id = s.training_id
     WHERE t.status = 'PUBLISHED' AND NOT s.cancelled AND s.ends_at > now()) AS sessions`);
  expect(Number(await xpath(body, `count(//${el('formation')})`))).toBe(published);
  expect(Number(await xpath(body, `count(//${el('session')}[@numero])`))).toBe(sessions);
  const [cancelled] = await api.sql(`SELECT id FROM training_session WHERE cancelled LIMIT 1`);
  expect(body).not.toContain(cancelled.id);

  // The partner is the responsible organisation; the modality maps to dict-modalites-enseignement.
  const [training] = await api.sql(`SELECT t.slug, p.name FROM training t JOIN partner p ON p.id = t.partner_id
    WHERE t.status = 'PUBLISHED' AND t.modality = 'VIRTUAL_CLASS' ORDER BY t.slug LIMIT 1`);
  const formation = `//${el('formation')}[@numero='${training.slug}']`;
  expect(await xpath(body, `string(${formation}/${el('organisme-formation-responsable')}/${el('nom-organisme')})`)).toBe(training.name);
  expect(await xpath(body, `string(${formation}/${el('action')}/${el('modalites-enseignement')})`)).toBe('2');
});

test('recruitment states: open 1, closed 2, full 3', async () => {
  const trainingId = await publishedTraining('etats-de-recrutement', 'États de recrutement');
  await api.sql(
    `INSERT INTO training_session (training_id, external_ref, starts_at, ends_at, enrolment_opens_at, enrolment_closes_at, capacity, seats_taken) VALUES
      ($1, 'ouverte', now() + interval '10 days', now() + interval '11 days', now() - interval '1 day', now() + interval '9 days', 10, 0),
      ($1, 'pas-encore', now() + interval '40 days', now() + interval '41 days', now() + interval '5 days', now() + interval '39 days', 10, 0),
      ($1, 'complete', now() + interval '20 days', now() + interval '21 days', now() - interval '1 day', now() + interval '19 days', 2, 2)`,
    [trainingId],
  );
  const { body } = await getExport();
  await validate(body);
  const sessions = await api.sql(`SELECT id, external_ref FROM training_session WHERE training_id = $1`, [trainingId]);
  const state = async (ref: string) =>
    xpath(body, `string(//${el('session')}[@numero='${sessions.find(s => s.external_ref === ref).id}']/${el('etat-recrutement')})`);
  expect(await state('ouverte')).toBe('1');
  expect(await state('pas-encore')).toBe('2');
  expect(await state('complete')).toBe('3');
  expect(await xpath(body, `string(//${el('formation')}[@numero='etats-de-recrutement']//${el('modalites-enseignement')})`)).toBe('1');
});

test('a training with no session to come has one undated, closed session (the schema requires one)', async () => {
  await publishedTraining('sans-session', 'Sans session', 'SELF_PACED');
  const { body } = await getExport();
  await validate(body);
  const session = `//${el('formation')}[@numero='sans-session']//${el('session')}`;
  expect(Number(await xpath(body, `count(${session})`))).toBe(1);
  expect(await xpath(body, `concat(${session}//${el('debut')}, '-', ${session}//${el('fin')}, '/', ${session}/${el('etat-recrutement')})`)).toBe('00000000-99999999/2');
  expect(await xpath(body, `string(//${el('formation')}[@numero='sans-session']//${el('modalites-entrees-sorties')})`)).toBe('1');
});

test('any text stays valid XML: markup characters escaped, forbidden characters dropped, lengths cut', async () => {
  const title = `Tom & Jerry <script>alert("x")</script> 'quotes' 🎓 \u0001\u0008\u000B\u000C\u001F\uFFFE fin ${'é'.repeat(200)}🎓🎓`;
  const [training] = await api.sql(
    `INSERT INTO training (slug, title, summary, objectives, content, prerequisites, audience, modality, licence_id, collection_id, partner_id, status, published_at)
     SELECT 'texte-piege', $1, $2, $3, $4, '', $5, 'PEER_EXCHANGE', licence_id, collection_id, partner_id, 'PUBLISHED', now()
     FROM training LIMIT 1 RETURNING id`,
    [title.slice(0, 300), 'Résumé ]]> & <b>gras</b>\r\nligne', ['A & B', '\u0002', '<objectif>'], '\u0003', `Public « tous » & ${'x'.repeat(400)}`],
  );
  await api.sql(
    `INSERT INTO training_session (training_id, starts_at, ends_at, enrolment_opens_at, enrolment_closes_at, capacity, location)
     VALUES ($1, now() + interval '3 days', now() + interval '4 days', now() - interval '1 day', now() + interval '2 days', NULL, $2)`,
    [training.id, 'Salle "A&B" <rez-de-chaussée> \u0007 🏛️'],
  );
  const { body } = await getExport();
  await validate(body);
  const formation = `//${el('formation')}[@numero='texte-piege']`;
  const heading = await xpath(body, `string(${formation}/${el('intitule-formation')})`);
  expect(heading.startsWith(`Tom & Jerry <script>alert("x")</script> 'quotes' 🎓  fin éé`)).toBe(true);
  expect(Array.from(heading)).toHaveLength(255);
  expect(heading.endsWith('…')).toBe(true);
  expect(await xpath(body, `string(${formation}/${el('objectif-formation')})`)).toBe('- A & B\n- <objectif>');
  // A content of forbidden characters only falls back to the summary; prerequisites left empty read « Aucune. ».
  expect(await xpath(body, `string(${formation}/${el('contenu-formation')})`)).toBe('Résumé ]]> & <b>gras</b>\r\nligne');
  expect(await xpath(body, `string(${formation}//${el('conditions-specifiques')})`)).toBe('Aucune.');
  expect(await xpath(body, `string(${formation}//${el('extra')}[@info='lieu'])`)).toBe('Salle "A&B" <rez-de-chaussée>  🏛️');
});

test('an empty catalogue has no LHEO document (the format requires a formation): 404, said in JSON', async () => {
  const empty = await startTestApp({ DEMO_DATA: 'false' });
  try {
    const response = await fetch(`${empty.origin}/exports/lheo.xml`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringContaining('Aucune formation publiée') } });
  } finally {
    await empty.stop();
  }
});

test('the XML text helpers', () => {
  expect(xmlSafe('a\u0000b\u0009c\u000Ad\u000De\u001Ff\uD800g\uDFFFh\uFFFEi\uFFFFj😀')).toBe('ab\tc\nd\ref' + 'ghij😀');
  expect(xmlSafe('😀😀😀😀', 3)).toBe('😀😀…');
  expect(escapeText('a & b < c > d\re')).toBe('a &amp; b &lt; c &gt; d&#13;e');
  expect(escapeAttribute('"x"\t\n')).toBe('&quot;x&quot;&#9;&#10;');
});

test('an ETag from the catalogue: 304 while it does not change, a new document once it does', async () => {
  // Its own training and session, so that it depends on no other test.
  await openSession(await publishedTraining('etiquette-etag', 'Étiquette'), 'etag-ouverte');
  const first = await getExport();
  const etag = first.response.headers.get('etag')!;
  // Caches in front keep it but ask each time: a change shows at once.
  expect(first.response.headers.get('cache-control')).toBe('public, no-cache');
  const again = await getExport({ 'if-none-match': etag });
  expect(again.response.status).toBe(304);
  expect(again.body).toBe('');
  expect((await getExport({ 'if-none-match': `W/${etag}, "other"` })).response.status).toBe(304);

  await api.sql(`UPDATE training SET title = 'Titre changé' WHERE slug = 'etiquette-etag'`);
  const changed = await getExport({ 'if-none-match': etag });
  expect(changed.response.status).toBe(200);
  expect(changed.body).toContain('Titre changé');
  const afterEdit = changed.response.headers.get('etag')!;
  expect(afterEdit).not.toBe(etag);

  // Seat counters are not the catalogue's version, but a session filling up changes its state.
  await api.sql(`UPDATE training_session SET seats_taken = capacity WHERE external_ref = 'etag-ouverte'`);
  const filled = await getExport({ 'if-none-match': afterEdit });
  expect(filled.response.status).toBe(200);
  expect(filled.response.headers.get('etag')).not.toBe(afterEdit);
});

test('each modality has its dict-modalites-enseignement code', async () => {
  const codes: Record<Modality, string> = {
    [Modality.ENRICHED_PRESENTIAL]: '0',
    [Modality.HYBRID]: '1',
    [Modality.PEER_EXCHANGE]: '1',
    [Modality.ONLINE_TUTORED]: '2',
    [Modality.WEBINAR]: '2',
    [Modality.VIRTUAL_CLASS]: '2',
    [Modality.SELF_PACED]: '2',
  };
  const slugOf = (modality: string) => `modalite-${modality.toLowerCase().replace(/_/g, '-')}`;
  for (const modality of Object.values(Modality)) await publishedTraining(slugOf(modality), `Modalité ${modality}`, modality);
  const { body } = await getExport();
  await validate(body);
  const exported: Record<string, string> = {};
  for (const modality of Object.values(Modality)) {
    exported[modality] = await xpath(body, `string(//${el('formation')}[@numero='${slugOf(modality)}']/${el('action')}/${el('modalites-enseignement')})`);
  }
  expect(exported).toEqual(codes);
});

test('kept in a file until the catalogue changes: the next requests stream it, the same bytes, reading no training', async () => {
  await openSession(await publishedTraining('gardee-en-cache', 'Gardée en cache'), 'cache-session');
  const built = await getExportCountingReads();
  expect(built.trainingReads).toBeGreaterThan(0);
  let etag = built.response.headers.get('etag')!;
  const kept = await getExportCountingReads();
  expect(kept.trainingReads).toBe(0);
  expect(kept.response.headers.get('etag')).toBe(etag);
  expect(kept.body).toBe(built.body);
  expect(await cacheFiles()).toEqual([fileOf(etag)]);

  /** The export once `change` is made: a new tag, the document read again, and kept alone. */
  async function exportAfter(change: string): Promise<string> {
    await api.sql(change);
    const { response, body, trainingReads } = await getExportCountingReads();
    expect(response.headers.get('etag')).not.toBe(etag);
    etag = response.headers.get('etag')!;
    expect(trainingReads).toBeGreaterThan(0);
    expect(await cacheFiles()).toEqual([fileOf(etag)]);
    return body;
  }
  expect(await exportAfter(`UPDATE training_session SET location = 'Salle déplacée' WHERE external_ref = 'cache-session'`)).toContain('Salle déplacée');
  expect(await exportAfter(`UPDATE training SET status = 'ARCHIVED' WHERE slug = 'gardee-en-cache'`)).not.toContain('numero="gardee-en-cache"');
  expect(await exportAfter(`UPDATE training SET status = 'PUBLISHED' WHERE slug = 'gardee-en-cache'`)).toContain('numero="gardee-en-cache"');
});

test('a client leaving during the first export leaves no file behind: the next request builds the document whole', async () => {
  await publishedTraining('client-parti', 'Client parti');
  const dataSource = api.app.database.dataSource;
  const query = dataSource.query.bind(dataSource);
  let batchAsked!: () => void;
  const asked = new Promise<void>(resolve => (batchAsked = resolve));
  let release!: () => void;
  const released = new Promise<void>(resolve => (release = resolve));
  // The first batch of trainings is read only once the client has gone.
  const held = jest.spyOn(dataSource, 'query').mockImplementation(async (sql, parameters) => {
    if (readsTrainings(sql)) {
      batchAsked();
      await released;
    }
    return query(sql, parameters);
  });
  let etag: string;
  try {
    const client = new AbortController();
    const response = await fetch(`${api.origin}/exports/lheo.xml`, { signal: client.signal });
    etag = response.headers.get('etag')!;
    await asked;
    expect(await cacheFiles()).toContainEqual(expect.stringMatching(/\.partial$/));
    client.abort();
    await new Promise(resolve => setTimeout(resolve, 200)); // the server sees the connection closed
    release();
    await eventually(async () => (await cacheFiles()).every(file => !file.endsWith('.partial')));
    expect(await cacheFiles()).not.toContain(fileOf(etag));
  } finally {
    release();
    held.mockRestore();
  }
  const whole = await getExportCountingReads();
  expect(whole.response.headers.get('etag')).toBe(etag);
  expect(whole.trainingReads).toBeGreaterThan(0);
  await validate(whole.body);
  expect(await cacheFiles()).toEqual([fileOf(etag)]);
  expect(await readFile(path.join(api.app.config.dataDir, LHEO_CACHE_DIR, fileOf(etag)), 'utf8')).toBe(whole.body);
});

test('a data directory that refuses the file costs the cache, not the answer', async () => {
  const dir = path.join(api.app.config.dataDir, LHEO_CACHE_DIR);
  await rm(dir, { recursive: true, force: true });
  await writeFile(dir, 'un fichier à la place du dossier');
  try {
    await publishedTraining('sans-cache', 'Sans cache');
    const { response, body } = await getExport();
    expect(response.status).toBe(200);
    await validate(body);
    expect(body).toContain('numero="sans-cache"');
  } finally {
    await rm(dir, { force: true });
  }
});

test('a state check that fails at the end of the document costs the cache, not the answer', async () => {
  await publishedTraining('controle-en-echec', 'Contrôle en échec');
  const tagged = jest.mocked(lheoEtag);
  tagged.mockClear();
  // The route's own tag passes through; the check once the document is written fails.
  tagged.mockImplementationOnce(tagged.getMockImplementation()!).mockRejectedValueOnce(new Error('base indisponible'));
  const { response, body } = await getExport();
  expect(response.status).toBe(200);
  await validate(body);
  expect(body).toContain('numero="controle-en-echec"');
  expect(tagged).toHaveBeenCalledTimes(2);
  expect(await cacheFiles()).toEqual([]);
});

test('a renamed partner is in the document as soon as its tag changes', async () => {
  const before = await getExport(); // the partners' names are read by now
  const [partner] = await api.sql(`SELECT p.id, p.name FROM partner p JOIN training t ON t.partner_id = p.id WHERE t.status = 'PUBLISHED' LIMIT 1`);
  await api.sql(`UPDATE partner SET name = $1 WHERE id = $2`, [`${partner.name} (renommé)`, partner.id]);
  const after = await getExport();
  expect(after.response.headers.get('etag')).not.toBe(before.response.headers.get('etag'));
  expect(after.body).toContain(`${partner.name} (renommé)`);
});

test('a catalogue larger than a batch is written whole, each training once', async () => {
  await api.sql(`INSERT INTO training (slug, title, summary, objectives, modality, licence_id, collection_id, partner_id, status, published_at)
    SELECT t.slug || '-' || n, t.title || ' ' || n, t.summary, t.objectives, t.modality, t.licence_id, t.collection_id, t.partner_id, 'PUBLISHED', now()
    FROM (SELECT * FROM training WHERE status = 'PUBLISHED' ORDER BY slug LIMIT 1) t, generate_series(1, 450) AS n`);
  const { body } = await getExport();
  await validate(body);
  const [{ published }] = await api.sql(`SELECT count(*)::int AS published FROM training WHERE status = 'PUBLISHED'`);
  expect(published).toBeGreaterThan(450);
  const numbers = [...body.matchAll(/<formation numero="([^"]+)"/g)].map(match => match[1]);
  expect(numbers).toHaveLength(published);
  expect(new Set(numbers).size).toBe(published);
});
