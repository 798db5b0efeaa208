import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { frenchDuration, frenchLongDate } from '../../src/enrolment/attestation-pdf';
import { createDraft, createSession, editorialTeam, publish } from '../support/editorial';
import { ADMIN_ENV, agents, bearer, registerUnverified, verifyMailbox, type Person } from '../support/people';
import { startTestApp, type TestApp } from '../support/test-app';
import { day, localId } from '../support/values';

const run = promisify(execFile);
const APP_URL = 'https://mentor.example.gouv.fr';
/** Accents, a ligature, a typographic apostrophe: none of them is in the standard PDF fonts' WinAnsi set but `É`, and `Œ`/`’` print only from an embedded font. */
const HOLDER = 'Élodie Œuvray-d’Évreux';
const TITLE = 'Écrire clair : l’œuvre des rédacteurs publics';

let api: TestApp;
let editor: Person;
let trainingId: string;
let workDir: string;

interface Issued {
  code: string;
  holderName: string;
  partnerName: string;
  issuedAt: string;
}

/** An agent's completed enrolment in a session under way; the attestation an editor of maa issued. */
async function issue(holder: Person): Promise<Issued> {
  const sessionId = await createSession(api, editor.token, trainingId, { startsAt: day(-1), endsAt: day(1), enrolmentOpensAt: day(-2), enrolmentClosesAt: day(0.5) });
  const { enrol } = await api.data<{ enrol: { enrolment: { id: string } } }>(
    `mutation($sessionId: ID!) { enrol(sessionId: $sessionId) { enrolment { id } } }`, { sessionId }, bearer(holder.token));
  const { completeEnrolment } = await api.data<{ completeEnrolment: { enrolment: { attestation: Issued } } }>(
    `mutation($id: ID!) { completeEnrolment(enrolmentId: $id) { enrolment { attestation { code holderName partnerName issuedAt } } } }`,
    { id: enrol.enrolment.id }, bearer(editor.token));
  return completeEnrolment.enrolment.attestation;
}

const pdfOf = (code: string) => fetch(`${api.origin}/attestations/${encodeURIComponent(code)}.pdf`);

/** Writes the PDF to a file and runs a poppler tool on it (stdout). */
async function poppler(pdf: Buffer, tool: string, ...args: string[]): Promise<string> {
  const file = path.join(workDir, `${Math.random().toString(36).slice(2)}.pdf`);
  await writeFile(file, pdf);
  return (await run(tool, [...args, file, ...(tool === 'pdftotext' ? ['-'] : [])])).stdout;
}

/** The page rendered at 100 dpi, and the QR code read from it. */
async function qrCodeOf(pdf: Buffer): Promise<string | null> {
  const file = path.join(workDir, 'page.pdf');
  await writeFile(file, pdf);
  await run('pdftoppm', ['-png', '-r', '100', '-singlefile', file, path.join(workDir, 'page')]);
  const png = PNG.sync.read(await readFile(path.join(workDir, 'page.png')));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
}

beforeAll(async () => {
  // The PDF is read back with poppler (Debian's poppler-utils), an implementation independent of the one writing it.
  for (const tool of ['pdftoppm', 'pdftotext', 'pdffonts', 'pdfinfo']) {
    await run(tool, ['-v']).catch(() => {
      throw new Error(`${tool} is missing: install Debian's poppler-utils (apt-get install poppler-utils; .ci/run does it)`);
    });
  }
  workDir = await mkdtemp(path.join(tmpdir(), 'attestation-pdf-'));
  api = await startTestApp({ ...ADMIN_ENV, APP_URL, PUBLIC_URL: 'https://api.mentor.example.gouv.fr' });
  const team = await editorialTeam(api);
  editor = team.editor;
  trainingId = (await createDraft(api, editor.token, { title: TITLE, durationMinutes: 90 })).id;
  await publish(api, team, trainingId);
});
afterAll(async () => {
  await api?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('GET /attestations/:code.pdf', () => {
  let issued: Issued;
  let pdf: Buffer;
  let response: Response;
  beforeAll(async () => {
    await registerUnverified(api, 'elodie.oeuvray@agriculture.gouv.fr', { displayName: HOLDER });
    issued = await issue(await verifyMailbox(api, 'elodie.oeuvray@agriculture.gouv.fr'));
    response = await pdfOf(issued.code);
    pdf = Buffer.from(await response.arrayBuffer());
  });

  test('is public: anyone with the code gets one inline A4 page, kept by browsers only', async () => {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="attestation-${issued.code}.pdf"`);
    expect(response.headers.get('cache-control')).toBe('private, max-age=3600');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const info = await poppler(pdf, 'pdfinfo');
    expect(info).toMatch(/^Pages:\s+1$/m);
    expect(info).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/m);
  });

  test('states, in French, who, what, by whom, how long, when, and the code; accents print from embedded fonts', async () => {
    const text = (await poppler(pdf, 'pdftotext', '-enc', 'UTF-8')).replace(/\s+/g, ' ');
    expect(issued.holderName).toBe(HOLDER);
    for (const expected of [
      'Attestation de formation',
      HOLDER,
      TITLE,
      `proposée par ${issued.partnerName}`,
      'Durée : 1 heure et 30 minutes',
      `Formation terminée le : ${frenchLongDate(new Date(issued.issuedAt))}`,
      issued.code.replace(/(.{4})(?!$)/g, '$1-'),
      `${APP_URL}/attestations/${issued.code}`,
    ]) expect(text).toContain(expected);
    // Every font is embedded (pdffonts' "emb" column): the page prints the same everywhere, without the reader's fonts.
    const fonts = (await poppler(pdf, 'pdffonts')).trim().split('\n').slice(2);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) expect(font).toMatch(/DejaVuSans\S*\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
  });

  test('its QR code, read from the printed page, opens the verification page of that code', async () => {
    expect(await qrCodeOf(pdf)).toBe(`${APP_URL}/attestations/${issued.code}`);
  });

  test('the code as a person types it: lower case, dashes, Crockford confusables', async () => {
    const typed = issued.code.toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l').replace(/(.{4})(?!$)/g, '$1-');
    const answer = await pdfOf(typed);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toBe(`inline; filename="attestation-${issued.code}.pdf"`);
    expect((await poppler(Buffer.from(await answer.arrayBuffer()), 'pdftotext')).replace(/\s+/g, ' ')).toContain(HOLDER);
  });
});

test('an unknown, malformed or altered code is 404, telling nothing', async () => {
  const [agent] = await agents(api, 1);
  const { code } = await issue(agent);
  await api.sql(`UPDATE attestation SET holder_name = 'Quelqu’un d’autre' WHERE code = $1`, [code]);
  const unknown = code.slice(0, -1) + (code.endsWith('2') ? '3' : '2');
  for (const typed of [code, unknown, 'ABCDEFGHJKMNPQRS', 'pas un code', '%E0%A4%A']) {
    const answer = await fetch(`${api.origin}/attestations/${typed}.pdf`);
    expect([typed, answer.status, answer.headers.get('content-type')]).toEqual([typed, 404, 'application/json; charset=utf-8']);
    expect(await answer.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Aucune attestation ne porte ce code.' } });
  }
});

test('a name of 200 characters still fits on the one page', async () => {
  const [agent] = await agents(api, 1);
  const long = 'Marie-Éléonore '.repeat(14).slice(0, 199);
  await api.sql(`UPDATE user_account SET display_name = $1 WHERE id = $2`, [long, localId(agent.id)]);
  const { code, holderName } = await issue(agent);
  expect(holderName).toBe(long);
  const pdf = Buffer.from(await (await pdfOf(code)).arrayBuffer());
  expect(await poppler(pdf, 'pdfinfo')).toMatch(/^Pages:\s+1$/m);
  // pdftotext joins a word hyphenated at the end of a line (« Marie-⏎Éléonore » → « MarieÉléonore »): compare without either.
  const squashed = (text: string) => text.replace(/[\s-]/g, '');
  expect(squashed(await poppler(pdf, 'pdftotext'))).toContain(squashed(long));
  expect(await qrCodeOf(pdf)).toBe(`${APP_URL}/attestations/${code}`);
});

describe('French wording', () => {
  test.each([
    [45, '45 minutes'],
    [1, '1 minute'],
    [60, '1 heure'],
    [61, '1 heure et 1 minute'],
    [90, '1 heure et 30 minutes'],
    [420, '7 heures'],
    [1230, '20 heures et 30 minutes'],
  ])('%i minutes: « %s »', (minutes, expected) => expect(frenchDuration(minutes)).toBe(expected));

  test('the date is the day in Paris, the first of the month written « 1er »', () => {
    expect(frenchLongDate(new Date('2026-11-30T10:00:00Z'))).toBe('30 novembre 2026');
    expect(frenchLongDate(new Date('2027-02-28T23:30:00Z'))).toBe('1er mars 2027');
    expect(frenchLongDate(new Date('2026-07-31T22:30:00Z'))).toBe('1er août 2026');
  });
});
