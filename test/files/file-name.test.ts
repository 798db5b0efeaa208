import { parseRange } from '../../src/files/byte-range';
import { cleanFileName, DEFAULT_FILE_NAME } from '../../src/files/file-name';
import { storedMimeType } from '../../src/files/file-types';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('cleanFileName', () => {
  test.each([
    ['Compte-rendu réunion 😀.pdf', 'Compte-rendu réunion 😀.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\agent\\Documents\\rapport.pdf', 'rapport.pdf'],
    ['dossier/sous-dossier\\note.txt', 'note.txt'],
    ['rap\u0000port\u0007\u001f\u007f\u0085\u009f.pdf', 'rapport.pdf'],
    ['ligne\r\nsuivante.txt', 'lignesuivante.txt'],
    // "facture‮fdp.exe" shows as "factureexe.pdf" with the override kept.
    ['facture\u202efdp.exe', 'facturefdp.exe'],
    ['\u2066a\u2067b\u2068c\u2069\u200e\u200f\u061c.txt', 'abc.txt'],
    ['  note de service.odt  ', 'note de service.odt'],
    ['re\u0301union.txt', 'r\u00e9union.txt'],
    ['日本語のファイル.xlsx', '日本語のファイル.xlsx'],
  ])('%j → %j', (raw, clean) => {
    expect(cleanFileName(raw)).toBe(clean);
  });

  test.each(['', '   ', '/', 'dossier/', '..', '.', '\u0000\u0001', '\u202e'])('%j is named "fichier"', raw => {
    expect(cleanFileName(raw)).toBe(DEFAULT_FILE_NAME);
  });

  test('a long name keeps at most 255 bytes of UTF-8, cut between characters, and its extension', () => {
    const name = cleanFileName(`${'é'.repeat(200)}.pdf`);
    expect(bytes(name)).toBeLessThanOrEqual(255);
    expect(name.endsWith('.pdf')).toBe(true);
    expect(name).toBe(`${'é'.repeat(125)}.pdf`);
    expect(Buffer.from(name, 'utf8').toString('utf8')).toBe(name);
  });

  test('emoji are never cut in half, nor sequences joined by ZWJ', () => {
    expect(cleanFileName('😀'.repeat(100))).toBe('😀'.repeat(63));
    const family = '👨\u200d👩\u200d👧';
    const cut = cleanFileName(family.repeat(30));
    expect(bytes(cut) % bytes(family)).toBe(0);
    expect(cut).toBe(family.repeat(Math.floor(255 / bytes(family))));
  });

  test('a name of one long word without extension is cut to 255 bytes', () => {
    expect(cleanFileName('a'.repeat(400))).toBe('a'.repeat(255));
  });
});

describe('storedMimeType', () => {
  test.each([
    ['application/pdf', 'x.pdf', 'application/pdf'],
    ['APPLICATION/PDF; charset=binary', 'x', 'application/pdf'],
    ['image/png', 'photo.png', 'image/png'],
    ['text/csv; charset=utf-8', 'export.csv', 'text/csv'],
    ['application/vnd.oasis.opendocument.text', 'note.odt', 'application/vnd.oasis.opendocument.text'],
    ['application/octet-stream', 'tableau.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    [undefined, 'archive.ZIP', 'application/zip'],
    ['application/x-zip-compressed', 'archive.zip', 'application/zip'],
    ['text/html', 'page.html', 'application/octet-stream'],
    ['image/svg+xml', 'logo.svg', 'application/octet-stream'],
    ['application/javascript', 'script.js', 'application/octet-stream'],
    [undefined, 'sans-extension', 'application/octet-stream'],
  ])('%j for %j → %j', (declared, name, stored) => {
    expect(storedMimeType(declared, name)).toBe(stored);
  });
});

describe('parseRange', () => {
  test.each([
    [undefined, 100, { kind: 'whole' }],
    ['bytes=0-9', 100, { kind: 'partial', range: { start: 0, end: 9 } }],
    ['bytes=90-', 100, { kind: 'partial', range: { start: 90, end: 99 } }],
    ['bytes=90-500', 100, { kind: 'partial', range: { start: 90, end: 99 } }],
    ['bytes=-10', 100, { kind: 'partial', range: { start: 90, end: 99 } }],
    ['bytes=-500', 100, { kind: 'partial', range: { start: 0, end: 99 } }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=-0', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=0-4,10-14', 100, { kind: 'whole' }],
    ['bytes=9-0', 100, { kind: 'whole' }],
    ['items=0-9', 100, { kind: 'whole' }],
    ['bytes=x-y', 100, { kind: 'whole' }],
  ])('%j of %d bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
