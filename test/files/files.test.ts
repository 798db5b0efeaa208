import { randomBytes } from 'node:crypto';
import { clientToken } from '../support/accounts';
import { ADMIN, ADMIN_ENV, agents, bearer, login, type Person } from '../support/people';
import { startTestApp, type TestApp } from '../support/test-app';
import { fromGlobalId } from '../../src/graphql/global-id';
import { download, KIB, MIB, sha256, uploadForm, uploadRaw, type Uploaded } from '../support/files';

const PUBLIC_URL = 'https://mentor.exemple.gouv.fr';

let api: TestApp;
let admin: Person;
let alice: Person;
let bob: Person;
let client: string;
beforeAll(async () => {
  api = await startTestApp({ ...ADMIN_ENV, DEMO_DATA: 'false', FILE_MAX_BYTES: String(2 * MIB), FILE_QUOTA_BYTES: String(4 * MIB), PUBLIC_URL });
  admin = await login(api, ADMIN.email, ADMIN.password);
  [alice, bob] = await agents(api, 2);
  client = await clientToken(api, admin.token, 'maa', ['catalogue:write', 'enrolments:complete', 'hr:read', 'webhooks:manage']);
});
afterAll(() => api.stop());

const localId = (globalId: string) => fromGlobalId(globalId)!.id;
const rowsOf = async (person: Person) =>
  (await api.sql<{ count: number }>(`SELECT count(*)::int AS count FROM personal_file WHERE owner_id = $1`, [localId(person.id)]))[0].count;
const chunksOf = async (fileId: string) =>
  (await api.sql<{ count: number }>(`SELECT count(*)::int AS count FROM personal_file_chunk WHERE file_id = $1`, [localId(fileId)]))[0].count;

// Three chunks (256 KiB each in the store): ranges and reads cross chunk boundaries.
const report = randomBytes(700 * KIB);
let reportFile: Uploaded;

describe('upload and download by the owner', () => {
  test('raw body: 201 with the id, the name kept in Unicode, the type, the size and the SHA-256 computed on the way', async () => {
    const { status, headers, body } = await uploadRaw(api, alice.token, report, 'Compte-rendu réunion 😀.pdf', 'application/pdf');
    expect(status).toBe(201);
    expect(body).toEqual({ id: expect.any(String), name: 'Compte-rendu réunion 😀.pdf', mimeType: 'application/pdf', size: report.length, sha256: sha256(report) });
    expect(fromGlobalId(body.id)?.type).toBe('PersonalFile');
    expect(headers.get('location')).toBe(`/files/${body.id}`);
    reportFile = body;
    expect(await chunksOf(body.id)).toBe(3);
  });

  test('the download is the same bytes, as an attachment never sniffed nor cached', async () => {
    const { status, headers, body } = await download(api, alice.token, reportFile.id);
    expect(status).toBe(200);
    expect(body.equals(report)).toBe(true);
    expect(Object.fromEntries(['content-type', 'content-length', 'x-content-type-options', 'cache-control', 'etag', 'accept-ranges'].map(name => [name, headers.get(name)]))).toEqual({
      'content-type': 'application/pdf',
      'content-length': String(report.length),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
      etag: `"${sha256(report)}"`,
      'accept-ranges': 'bytes',
    });
    // RFC 6266: an ASCII fallback and the UTF-8 name (RFC 8187).
    expect(headers.get('content-disposition')).toBe(`attachment; filename="Compte-rendu reunion _.pdf"; filename*=UTF-8''Compte-rendu%20r%C3%A9union%20%F0%9F%98%80.pdf`);
  });

  test('multipart/form-data with one file part (other fields ignored), its UTF-8 name and type', async () => {
    const sheet = randomBytes(300 * KIB);
    const type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const { status, body } = await uploadForm(api, alice.token, sheet, 'Synthèse 2026 — équipe.xlsx', type);
    expect(status).toBe(201);
    expect(body).toEqual({ id: expect.any(String), name: 'Synthèse 2026 — équipe.xlsx', mimeType: type, size: sheet.length, sha256: sha256(sheet) });
    const downloaded = await download(api, alice.token, body.id);
    expect(downloaded.body.equals(sheet)).toBe(true);
    expect(downloaded.headers.get('content-type')).toBe(type);
  });

  test('an empty file is a file', async () => {
    const { status, body } = await uploadRaw(api, alice.token, Buffer.alloc(0), 'vide.txt', 'text/plain');
    expect(status).toBe(201);
    expect(body).toMatchObject({ size: 0, sha256: sha256(Buffer.alloc(0)), mimeType: 'text/plain' });
    const downloaded = await download(api, alice.token, body.id);
    expect([downloaded.status, downloaded.body.length]).toEqual([200, 0]);
  });

  test.each([
    ['bytes=0-9', 0, 9],
    // Across the first chunk boundary (262,144).
    ['bytes=262100-262200', 262_100, 262_200],
    ['bytes=600000-', 600_000, 700 * KIB - 1],
    ['bytes=-100', 700 * KIB - 100, 700 * KIB - 1],
    ['bytes=0-99999999', 0, 700 * KIB - 1],
  ])('Range %s: 206 with those bytes', async (range, start, end) => {
    const { status, headers, body } = await download(api, alice.token, reportFile.id, { range });
    expect(status).toBe(206);
    expect(headers.get('content-range')).toBe(`bytes ${start}-${end}/${report.length}`);
    expect(headers.get('content-length')).toBe(String(end - start + 1));
    expect(body.equals(report.subarray(start, end + 1))).toBe(true);
  });

  test('a range out of the file is 416 with the size; several ranges, or an If-Range of another version, get the whole file', async () => {
    const out = await download(api, alice.token, reportFile.id, { range: `bytes=${report.length}-` });
    expect(out.status).toBe(416);
    expect(out.headers.get('content-range')).toBe(`bytes */${report.length}`);
    expect(JSON.parse(out.body.toString()).error.code).toBe('RANGE_NOT_SATISFIABLE');
    const several = await download(api, alice.token, reportFile.id, { range: 'bytes=0-9,20-29' });
    expect([several.status, several.body.equals(report)]).toEqual([200, true]);
    const stale = await download(api, alice.token, reportFile.id, { range: 'bytes=0-9', 'if-range': '"une-autre-version"' });
    expect([stale.status, stale.body.equals(report)]).toEqual([200, true]);
    const current = await download(api, alice.token, reportFile.id, { range: 'bytes=0-9', 'if-range': `"${reportFile.sha256}"` });
    expect(current.status).toBe(206);
  });

  test('HEAD: the headers without the body', async () => {
    const { status, headers, body } = await download(api, alice.token, reportFile.id, {}, 'HEAD');
    expect([status, headers.get('content-length'), headers.get('etag'), body.length]).toEqual([200, String(report.length), `"${reportFile.sha256}"`, 0]);
  });
});

describe('file names and types', () => {
  test.each([
    ['..\\..\\Windows\\system32\\note\u0007.txt', 'note.txt'],
    ['../../etc/passwd', 'passwd'],
    ['facture\u202efdp.exe', 'facturefdp.exe'],
    ['  re\u0301union\u0085.odt ', 'r\u00e9union.odt'],
    ['', 'fichier'],
  ])('%j is stored as %j', async (given, stored) => {
    const { status, body } = await uploadRaw(api, alice.token, Buffer.from('x'), given);
    expect([status, body.name]).toEqual([201, stored]);
  });

  test('a name of 300 bytes keeps at most 255 bytes, cut between characters, and its extension', async () => {
    const { body } = await uploadRaw(api, alice.token, Buffer.from('x'), `${'é'.repeat(150)}.pdf`, 'application/pdf');
    expect(Buffer.byteLength(body.name)).toBeLessThanOrEqual(255);
    expect(body.name).toBe(`${'é'.repeat(125)}.pdf`);
  });

  test('a name that is not percent-encoded UTF-8 is refused (400), nothing stored', async () => {
    const before = await rowsOf(alice);
    const response = await fetch(`${api.origin}/files`, { method: 'POST', headers: { ...bearer(alice.token), 'x-file-name': 'r%E9union%ZZ.pdf' }, body: 'x' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
    expect(await rowsOf(alice)).toBe(before);
  });

  test('a type off the allow-list (HTML, SVG) is stored and served as application/octet-stream', async () => {
    for (const [name, type] of [['page.html', 'text/html'], ['logo.svg', 'image/svg+xml']]) {
      const { body } = await uploadRaw(api, alice.token, Buffer.from('<script>alert(1)</script>'), name, type);
      expect(body.mimeType).toBe('application/octet-stream');
      expect((await download(api, alice.token, body.id)).headers.get('content-type')).toBe('application/octet-stream');
    }
  });
});

const MY_FILES = `{ myFiles { id name mimeType size sha256 createdAt downloadUrl } me { storage { usedBytes quotaBytes } } }`;

describe('GraphQL: myFiles, User.storage, node, deleteFile', () => {
  test('myFiles lists the owner’s files newest first with their download URL; storage sums them', async () => {
    const { myFiles, me } = await api.data<{ myFiles: (Uploaded & { createdAt: string; downloadUrl: string })[]; me: { storage: { usedBytes: number; quotaBytes: number } } }>(
      MY_FILES, {}, bearer(alice.token));
    expect(myFiles.length).toBeGreaterThanOrEqual(10);
    const times = myFiles.map(file => Date.parse(file.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(myFiles.at(-1)).toEqual({ ...reportFile, createdAt: expect.any(String), downloadUrl: `${PUBLIC_URL}/files/${reportFile.id}` });
    expect(me.storage).toEqual({ usedBytes: myFiles.reduce((sum, file) => sum + file.size, 0), quotaBytes: 4 * MIB });
    const [{ used }] = await api.sql(`SELECT sum(size)::int AS used FROM personal_file WHERE owner_id = $1`, [localId(alice.id)]);
    expect(me.storage.usedBytes).toBe(used);
  });

  test('node(id) finds the file for its owner', async () => {
    const { node } = await api.data<{ node: { id: string; name: string } | null }>(`query($id: ID!) { node(id: $id) { id ... on PersonalFile { name size } } }`, { id: reportFile.id }, bearer(alice.token));
    expect(node).toEqual({ id: reportFile.id, name: reportFile.name, size: report.length });
  });

  test('deleteFile removes the file and its chunks in one go; again, NOT_FOUND', async () => {
    const { body: file } = await uploadRaw(api, alice.token, randomBytes(600 * KIB), 'à supprimer.zip');
    expect(await chunksOf(file.id)).toBe(3);
    const remove = `mutation($id: ID!) { deleteFile(id: $id) { deletedId userErrors { field code message } } }`;
    const { deleteFile } = await api.data<{ deleteFile: { deletedId: string | null; userErrors: { code: string }[] } }>(remove, { id: file.id }, bearer(alice.token));
    expect(deleteFile).toEqual({ deletedId: file.id, userErrors: [] });
    expect(await chunksOf(file.id)).toBe(0);
    expect((await api.sql(`SELECT 1 FROM personal_file WHERE id = $1`, [localId(file.id)])).length).toBe(0);
    expect((await download(api, alice.token, file.id)).status).toBe(404);
    const again = await api.data<{ deleteFile: { deletedId: string | null; userErrors: { code: string }[] } }>(remove, { id: file.id }, bearer(alice.token));
    expect(again.deleteFile).toEqual({ deletedId: null, userErrors: [{ field: ['id'], code: 'NOT_FOUND', message: expect.any(String) }] });
    const malformed = await api.data<{ deleteFile: { userErrors: { code: string }[] } }>(remove, { id: 'pas-un-id' }, bearer(alice.token));
    expect(malformed.deleteFile.userErrors.map(error => error.code)).toEqual(['NOT_FOUND']);
  });
});

describe('nobody but the owner', () => {
  test('another agent and an admin: 404 on download (as for an unknown id), null in node(), NOT_FOUND on deleteFile, absent from myFiles', async () => {
    for (const other of [bob, admin]) {
      const refused = await download(api, other.token, reportFile.id);
      expect(refused.status).toBe(404);
      expect(JSON.parse(refused.body.toString())).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
      const unknown = await download(api, other.token, reportFile.id.slice(0, -4) + 'AAAA');
      expect(unknown.status).toBe(404);
      const { node } = await api.data<{ node: unknown }>(`query($id: ID!) { node(id: $id) { id } }`, { id: reportFile.id }, bearer(other.token));
      expect(node).toBeNull();
      const { deleteFile } = await api.data<{ deleteFile: { deletedId: string | null; userErrors: { code: string }[] } }>(
        `mutation($id: ID!) { deleteFile(id: $id) { deletedId userErrors { code } } }`, { id: reportFile.id }, bearer(other.token));
      expect(deleteFile).toEqual({ deletedId: null, userErrors: [{ code: 'NOT_FOUND' }] });
      const { myFiles } = await api.data<{ myFiles: { id: string }[] }>(`{ myFiles { id } }`, {}, bearer(other.token));
      expect(myFiles.map(file => file.id)).not.toContain(reportFile.id);
    }
    expect((await download(api, alice.token, reportFile.id)).status).toBe(200);
  });

  test('someone else’s storage usage is FORBIDDEN, admins included', async () => {
    const { body } = await api.gql(`query($id: ID!) { node(id: $id) { ... on User { displayName storage { usedBytes } } } }`, { id: alice.id }, bearer(admin.token));
    expect(body.errors?.map(error => error.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  test('anonymous: 401 UNAUTHENTICATED on upload and download, UNAUTHENTICATED on the GraphQL fields; nothing stored', async () => {
    const before = (await api.sql(`SELECT count(*)::int AS count FROM personal_file`))[0].count;
    const upload = await uploadRaw(api, null, Buffer.from('anonyme'), 'anonyme.txt');
    expect([upload.status, upload.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const form = await uploadForm(api, null, Buffer.from('anonyme'), 'anonyme.txt', 'text/plain');
    expect([form.status, form.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const downloaded = await download(api, null, reportFile.id);
    expect([downloaded.status, JSON.parse(downloaded.body.toString()).error.code]).toEqual([401, 'UNAUTHENTICATED']);
    for (const query of ['{ myFiles { id } }', `mutation { deleteFile(id: "${reportFile.id}") { deletedId } }`]) {
      const { body } = await api.gql(query);
      expect(body.errors?.map(error => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    }
    expect((await api.sql(`SELECT count(*)::int AS count FROM personal_file`))[0].count).toBe(before);
  });

  test('an API client, whatever its scopes: 403 FORBIDDEN on upload and download, FORBIDDEN on the GraphQL fields', async () => {
    const upload = await uploadRaw(api, client, Buffer.from('client'), 'client.txt');
    expect([upload.status, upload.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const downloaded = await download(api, client, reportFile.id);
    expect(downloaded.status).toBe(403);
    for (const query of ['{ myFiles { id } }', `mutation { deleteFile(id: "${reportFile.id}") { deletedId } }`]) {
      const { body } = await api.gql(query, {}, bearer(client));
      expect(body.errors?.map(error => error.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  });

  test('a token that does not verify: 401', async () => {
    const upload = await uploadRaw(api, 'pas.un.jeton', Buffer.from('x'), 'x.txt');
    expect([upload.status, upload.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});
