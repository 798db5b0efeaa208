import { csvLine } from '../../src/integration/csv-line';
import { streamHrRecords } from '../../src/integration/hr-records.service';
import { ALLOWED, completeBySql, completeThroughApi, hrFixture, REFUSED, settled, type HrFixture } from '../support/hr-records';
import { ADMIN_ENV, agents, bearer } from '../support/people';
import { startTestApp, type TestApp } from '../support/test-app';
import { localId } from '../support/values';

let api: TestApp;
let fixture: HrFixture;
let hr: string;
/** When the completions of the formula-named agents start (an hour ago), one a second. */
const earlier = Date.now() - 3_600_000;

/** A title a spreadsheet would split or run if it were written as it is. */
const TITLE = 'Piloter ; le "projet"\nnumérique';
const HEADER = 'Inscription;Agent;Courriel;Formation;Partenaire de la formation;Durée (minutes);Terminée le;Code d’attestation';
/** Display names that a spreadsheet would take for formulas (OWASP's list), and what the CSV holds. */
const FORMULAS: [name: string, cell: string][] = [
  ['=SOMME(A1:A9)', `'=SOMME(A1:A9)`],
  ['+33 1 23 45 67 89', `'+33 1 23 45 67 89`],
  ['-2+3', `'-2+3`],
  ['@SUM(1)', `'@SUM(1)`],
  ['\tTabulation', `'\tTabulation`],
  ['\rRetour', `"'\rRetour"`],
];

const csv = (query: string, token: string | null) => fetch(`${api.origin}/hr/records.csv?${query}`, { headers: bearer(token) });

/**
 * RFC 4180 records (quotes, doubled quotes, separators and line breaks inside quotes) of a body as
 * `Response.text()` gives it: its UTF-8 decoding drops the BOM (the BOM test reads the bytes).
 */
function parse(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ';') record.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') record.push(field), records.push(record), (record = []), (field = ''), i++;
    else field += c;
  }
  return records;
}

beforeAll(async () => {
  api = await startTestApp({ ...ADMIN_ENV, DEMO_DATA: 'false' });
  // The title as an editor typed it, through the API: the CSV must carry it whole.
  fixture = await hrFixture(api, TITLE);
  hr = fixture.tokens['HR correspondent of maa']!;
  const [agent] = await agents(api, 1);
  await completeThroughApi(api, agent, fixture.sessionId, fixture.team.editor);
  // Display names as anyone registering may choose them.
  const named = await agents(api, FORMULAS.length);
  for (const [n, [name]] of FORMULAS.entries()) await api.sql('UPDATE user_account SET display_name = $1 WHERE id = $2', [name, localId(named[n].id)]);
  await completeBySql(api, named.map(person => person.id), fixture.sessionId, FORMULAS.map((_, n) => new Date(earlier + n * 1000).toISOString()));
  const [outsider] = await agents(api, 1, { domain: 'fonction-publique.gouv.fr' });
  await completeBySql(api, [outsider.id], fixture.sessionId, [new Date().toISOString()]);
  await settled();
});
afterAll(() => api.stop());

describe('who downloads the CSV', () => {
  test.each(REFUSED)('%s is refused (%s), the same for a known and an unknown partner', async (role, code) => {
    const known = await csv('partner=maa', fixture.tokens[role]);
    const unknown = await csv('partner=inconnu', fixture.tokens[role]);
    expect(known.status).toBe(code === 'UNAUTHENTICATED' ? 401 : 403);
    const body = await known.text();
    expect(JSON.parse(body).error.code).toBe(code);
    expect([unknown.status, await unknown.text()]).toEqual([known.status, body]);
    expect(body).not.toContain('Agent');
  });

  test.each(ALLOWED)('%s downloads it', async role => {
    const response = await csv('partner=maa', fixture.tokens[role]);
    expect(response.status).toBe(200);
    expect(parse(await response.text())).toHaveLength(1 + 1 + FORMULAS.length);
  });

  test('a bad token is 401; a bad `since` is 400', async () => {
    expect((await csv('partner=maa', 'pas.un.jeton')).status).toBe(401);
    expect((await csv('partner=maa&since=hier', hr)).status).toBe(400);
  });
});

describe('the file', () => {
  test('UTF-8 with a BOM, `;`-separated, CRLF, a header row, then one record per completion', async () => {
    const response = await csv('partner=maa', hr);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="mentor-dossiers-rh-maa.csv"');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.startsWith(`\uFEFF${HEADER}\r\n`)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...records] = parse(text.slice(1));
    expect(header.join(';')).toBe(HEADER);
    expect(records).toHaveLength(FORMULAS.length + 1);
    // Oldest first: the generated completions an hour ago, then the one made through the API.
    const viaApi = records.at(-1)!;
    expect(viaApi).toHaveLength(8);
    expect(viaApi[3]).toBe(TITLE);
    expect(viaApi[5]).toBe('420');
    expect(new Date(viaApi[6]).toISOString()).toBe(viaApi[6]);
    expect(viaApi[7]).toMatch(/^[0-9A-Z]{16}$/);
  });

  test('a title with `;`, quotes and a line break is quoted (RFC 4180)', async () => {
    const text = await (await csv('partner=maa', hr)).text();
    expect(text).toContain(';"Piloter ; le ""projet""\nnumérique";');
  });

  test('cells a spreadsheet would run as formulas start with a single quote', async () => {
    const text = await (await csv('partner=maa', hr)).text();
    for (const [, cell] of FORMULAS) expect(text).toContain(`;${cell};`);
    const names = parse(text).slice(1, -1).map(record => record[1]);
    expect(names).toEqual(FORMULAS.map(([name]) => `'${name}`));
  });

  test('since: only what was completed from then on', async () => {
    const since = new Date(earlier + 2_500).toISOString();
    const records = parse(await (await csv(`partner=maa&since=${encodeURIComponent(since)}`, hr)).text());
    expect(records.slice(1, -1).map(record => record[1])).toEqual(FORMULAS.slice(3).map(([name]) => `'${name}`));
    expect(records.at(-1)![3]).toBe(TITLE);
    const none = parse(await (await csv('partner=maa&since=2999-01-01', hr)).text());
    expect(none).toEqual([HEADER.split(';')]);
  });

  test('the next night starts from the `hr-records-until` of the last file: nothing missed, nothing twice', async () => {
    // dinum's agents, read by an admin: maa's file stays as the other tests expect.
    const admin = fixture.tokens.admin!;
    const [before, after] = await agents(api, 2, { domain: 'numerique.gouv.fr' });
    await completeThroughApi(api, before, fixture.sessionId, fixture.team.editor);
    await settled();
    const last = await csv('partner=dinum', admin);
    const until = last.headers.get('hr-records-until')!;
    expect(new Date(until).toISOString()).toBe(until);
    const filed = parse(await last.text()).slice(1);
    expect(filed.map(record => record[2])).toEqual([expect.stringContaining('agent1.')]);
    await completeThroughApi(api, after, fixture.sessionId, fixture.team.editor);
    await settled();
    const next = await csv(`partner=dinum&since=${encodeURIComponent(until)}`, admin);
    const records = parse(await next.text()).slice(1);
    expect(records.map(record => record[2])).toEqual([expect.stringContaining('agent2.')]);
    expect(records[0][0]).not.toBe(filed[0][0]);
    expect(new Date(next.headers.get('hr-records-until')!).getTime()).toBeGreaterThan(new Date(until).getTime());
  });
});

test('read in batches: across their boundaries, even among equal completion instants, each record comes once, in order', async () => {
  // dae's agents, so that the other files stay as the other tests expect. Instants repeat, so that
  // batches of 2 and 3 end between records completed at the same instant (the id orders them).
  const people = await agents(api, 7, { domain: 'finances.gouv.fr' });
  const at = (second: number) => new Date(earlier + second * 1000).toISOString();
  await completeBySql(api, people.map(person => person.id), fixture.sessionId, [0, 1, 1, 1, 2, 2, 3].map(at));
  const [dae] = await api.sql<{ id: string }>(`SELECT id FROM partner WHERE slug = 'dae'`);
  const inOrder = await api.sql<{ id: string }>(
    `SELECT e.id FROM enrolment e JOIN user_account u ON u.id = e.user_id WHERE u.employer_id = $1 ORDER BY e.completed_at, e.id`,
    [dae.id],
  );
  const expected = inOrder.map(row => row.id);
  expect(expected).toHaveLength(7);
  for (const batchSize of [1, 2, 3]) {
    const batches: string[][] = [];
    for await (const batch of streamHrRecords({ db: api.app.database.dataSource }, dae.id, null, new Date(), batchSize)) {
      batches.push(batch.map(record => localId(record.enrolmentId)));
    }
    expect({ batchSize, records: batches.flat() }).toEqual({ batchSize, records: expected });
    expect(batches).toHaveLength(Math.ceil(expected.length / batchSize));
  }
  // The route's batches of 1,000 give the same records, in the same order.
  const records = parse(await (await csv('partner=dae', fixture.tokens.admin)).text()).slice(1);
  expect(records.map(record => localId(record[0]))).toEqual(expected);
});

test('a cell is quoted when it holds the separator, a comma, a quote or a line break; formulas are neutralised inside quotes too', () => {
  expect(csvLine(['simple', 'a;b', 'Dupont,=1+1', 'dit "oui"', 'deux\nlignes', '=SUM(A1)', 42, null])).toBe(
    'simple;"a;b";"Dupont,=1+1";"dit ""oui""";"deux\nlignes";\'=SUM(A1);42;\r\n',
  );
});
