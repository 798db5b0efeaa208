import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { deleteFilesOf, listFilesOf } from '../../src/files/files.service';
import { FILES_PER_USER, sweepStaleUploads, UPLOADS_AT_ONCE } from '../../src/files/file-upload.service';
import { fromGlobalId } from '../../src/graphql/global-id';
import { agents, bearer, type Person } from '../support/people';
import { startTestApp, type TestApp } from '../support/test-app';
import { chunkFrame, heldUpload, KIB, MIB, pieces, rawExchange, uploadForm, uploadRaw } from '../support/files';

// Small limits keep the test fast: 1 MiB a file, 3 MiB a user.
const MAX = MIB;
const QUOTA = 3 * MIB;

let api: TestApp;
let people: Person[];
beforeAll(async () => {
  api = await startTestApp({ DEMO_DATA: 'false', FILE_MAX_BYTES: String(MAX), FILE_QUOTA_BYTES: String(QUOTA) });
  people = await agents(api, 12);
});
afterAll(() => api.stop());

const localId = (globalId: string) => fromGlobalId(globalId)!.id;
async function filesOf(person: Person): Promise<{ files: number; chunks: number }> {
  const [row] = await api.sql<{ files: number; chunks: number }>(
    `SELECT count(DISTINCT f.id)::int AS files, count(c.seq)::int AS chunks FROM personal_file f LEFT JOIN personal_file_chunk c ON c.file_id = f.id WHERE f.owner_id = $1`,
    [localId(person.id)],
  );
  return row;
}
const port = () => new URL(api.origin).port;
const uploadHead = (person: Person, headers: string[]) => [
  'POST /files HTTP/1.1',
  `host: 127.0.0.1:${port()}`,
  `authorization: Bearer ${person.token}`,
  'x-file-name: gros%20fichier.bin',
  ...headers,
];

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

describe('the file limit', () => {
  test('a declared Content-Length over the limit is refused (413 FILE_TOO_LARGE) on the headers alone, and the connection closed', async () => {
    const [agent] = people;
    const answer = await rawExchange(Number(port()), uploadHead(agent, [`content-length: ${MAX + 1}`, 'content-type: application/pdf']));
    expect(answer).toMatchObject({ status: 413, sentWhenAnswered: 0, closed: true });
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'FILE_TOO_LARGE', message: expect.stringContaining('1 Mio') } });
    expect(await filesOf(agent)).toEqual({ files: 0, chunks: 0 });
  });

  test('a client that sends its body at once (as browsers do) still reads the 413, not a reset: the server drains before it closes', async () => {
    const [agent] = people;
    const total = 8 * MIB;
    const answer = await rawExchange(Number(port()), uploadHead(agent, [`content-length: ${total}`]), { body: pieces(total / (64 * KIB)) });
    expect(answer).toMatchObject({ status: 413, closed: true });
    expect(JSON.parse(answer.body).error.code).toBe('FILE_TOO_LARGE');
    const anonymous = await rawExchange(Number(port()), uploadHead(agent, [`content-length: ${512 * KIB}`]).filter(line => !line.startsWith('authorization')), { body: pieces(8) });
    expect([anonymous.status, JSON.parse(anonymous.body).error.code, anonymous.closed]).toEqual([401, 'UNAUTHENTICATED', true]);
    expect(await filesOf(agent)).toEqual({ files: 0, chunks: 0 });
  });

  test('the same for a multipart form whose length cannot hold a file within the limit', async () => {
    const [agent] = people;
    const answer = await rawExchange(Number(port()), uploadHead(agent, [`content-length: ${MAX + 64 * KIB}`, 'content-type: multipart/form-data; boundary=----frontiere']));
    expect(answer).toMatchObject({ status: 413, sentWhenAnswered: 0, closed: true });
    expect(JSON.parse(answer.body).error.code).toBe('FILE_TOO_LARGE');
  });

  test('Expect: 100-continue over the limit is answered 413 without a 100 Continue: the client never sends the body', async () => {
    const [agent] = people;
    const answer = await new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
      let continued = false;
      const req = request(`${api.origin}/files`, {
        method: 'POST',
        headers: { ...bearer(agent.token), 'content-length': String(MAX + 1), expect: '100-continue' },
      });
      req.on('continue', () => (continued = true));
      req.on('response', response => {
        response.resume();
        resolve({ status: response.statusCode!, continued });
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(answer).toEqual({ status: 413, continued: false });
  });

  test('Expect: 100-continue within the limit gets its 100 Continue, then 201', async () => {
    const [agent] = people;
    const bytes = randomBytes(10 * KIB);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${api.origin}/files`, { method: 'POST', headers: { ...bearer(agent.token), 'content-length': String(bytes.length), expect: '100-continue' } });
      req.on('continue', () => req.end(bytes));
      req.on('response', response => {
        response.resume();
        resolve(response.statusCode!);
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(status).toBe(201);
    await api.app.database.dataSource.transaction(manager => deleteFilesOf(manager, localId(agent.id)));
  });

  test('a chunked body is cut as soon as it passes the limit: 413, the connection closed long before the client is done, nothing stored', async () => {
    const [, agent] = people;
    // 32 MiB offered, generated 64 KiB at a time.
    const body = (function* () {
      for (const piece of pieces(512)) yield chunkFrame(piece);
    })();
    const answer = await rawExchange(Number(port()), uploadHead(agent, ['transfer-encoding: chunked', 'content-type: application/zip']), { body });
    expect(answer).toMatchObject({ status: 413, closed: true });
    expect(JSON.parse(answer.body).error.code).toBe('FILE_TOO_LARGE');
    expect(answer.sentWhenAnswered).toBeLessThan(16 * MIB);
    await eventually(async () => (await filesOf(agent)).files === 0);
    expect(await filesOf(agent)).toEqual({ files: 0, chunks: 0 });
  });

  test('a file of exactly the limit is accepted; a multipart file over it is cut (413)', async () => {
    const [, , agent] = people;
    expect((await uploadRaw(api, agent.token, randomBytes(MAX), 'juste.bin')).status).toBe(201);
    const over = await uploadForm(api, agent.token, randomBytes(MAX + 1), 'trop.bin', 'application/octet-stream');
    expect([over.status, over.body.error.code]).toEqual([413, 'FILE_TOO_LARGE']);
    expect(await filesOf(agent)).toEqual({ files: 1, chunks: 4 });
  });
});

describe('the quota', () => {
  test('a full space refuses (413 QUOTA_EXCEEDED) a declared length before the body, a chunked body once past the space; deleting frees it', async () => {
    const [, , , agent] = people;
    for (let index = 0; index < 3; index++) expect((await uploadRaw(api, agent.token, randomBytes(MAX), `plein-${index}.bin`)).status).toBe(201);
    const declared = await rawExchange(Number(port()), uploadHead(agent, ['content-length: 1']));
    expect(declared).toMatchObject({ status: 413, sentWhenAnswered: 0, closed: true });
    expect(JSON.parse(declared.body).error).toEqual({ code: 'QUOTA_EXCEEDED', message: expect.stringContaining('0 Mio libres sur 3 Mio') });
    const chunked = await rawExchange(Number(port()), uploadHead(agent, ['transfer-encoding: chunked']), { body: [chunkFrame(Buffer.from('un octet de trop')), Buffer.from('0\r\n\r\n')] });
    expect([chunked.status, JSON.parse(chunked.body).error.code]).toEqual([413, 'QUOTA_EXCEEDED']);
    const { me } = await api.data<{ me: { storage: { usedBytes: number; quotaBytes: number } } }>(`{ me { storage { usedBytes quotaBytes } } }`, {}, bearer(agent.token));
    expect(me.storage).toEqual({ usedBytes: QUOTA, quotaBytes: QUOTA });
    expect(await filesOf(agent)).toEqual({ files: 3, chunks: 12 });

    const [oldest] = (await listFilesOf(api.app.database.dataSource, localId(agent.id))).slice(-1);
    await api.data(`mutation($id: ID!) { deleteFile(id: $id) { deletedId } }`, { id: oldest.globalId }, bearer(agent.token));
    expect((await uploadRaw(api, agent.token, randomBytes(MAX), 'de nouveau.bin')).status).toBe(201);
  });

  test('two uploads racing for the last megabyte, both past every early check: exactly one is stored, the space never goes over the quota', async () => {
    for (const agent of people.slice(4, 7)) {
      for (let index = 0; index < 2; index++) expect((await uploadRaw(api, agent.token, randomBytes(MAX), `base-${index}.bin`)).status).toBe(201);
      // 1 MiB left; each 768 KiB upload fits alone, not both. Both send all but their last byte…
      const size = 768 * KIB;
      const uploads = [0, 1].map(index => heldUpload(Number(port()), uploadHead(agent, [`content-length: ${size}`]).map(line => line.replace('gros%20fichier', `course-${index}`))));
      await Promise.all(uploads.map(upload => upload.send(randomBytes(size - 1))));
      // …until both are being stored (their rows UPLOADING, their first chunks written)…
      await eventually(async () => {
        const [{ uploading }] = await api.sql(`SELECT count(*)::int AS uploading FROM personal_file WHERE owner_id = $1 AND status = 'UPLOADING'`, [localId(agent.id)]);
        return uploading === 2;
      });
      // …then both finish at once: only the check under the owner's lock tells them apart.
      await Promise.all(uploads.map(upload => upload.send(Buffer.from('!'))));
      const answers = await Promise.all(uploads.map(upload => upload.answer));
      expect(answers.map(answer => answer.status).sort()).toEqual([201, 413]);
      expect(answers.find(answer => answer.status === 413)!.body.error.code).toBe('QUOTA_EXCEEDED');
      await eventually(async () => (await filesOf(agent)).files === 3);
      const [{ used, files }] = await api.sql(`SELECT sum(size)::int AS used, count(*)::int AS files FROM personal_file WHERE owner_id = $1`, [localId(agent.id)]);
      expect({ used, files }).toEqual({ used: 2 * MAX + size, files: 3 });
      expect((await filesOf(agent)).chunks).toBe(4 + 4 + 3);
    }
  });
});

describe('uploads under way and files kept', () => {
  test(`past ${UPLOADS_AT_ONCE} uploads under way, the next is refused (429 TOO_MANY_REQUESTS) before its body; once one ends, it may go`, async () => {
    const agent = people[10];
    const size = 64 * KIB;
    const held = Array.from({ length: UPLOADS_AT_ONCE }, () => heldUpload(Number(port()), uploadHead(agent, [`content-length: ${size}`])));
    await Promise.all(held.map(upload => upload.send(randomBytes(KIB))));
    await eventually(async () => {
      const [{ uploading }] = await api.sql(`SELECT count(*)::int AS uploading FROM personal_file WHERE owner_id = $1 AND status = 'UPLOADING'`, [localId(agent.id)]);
      return uploading === UPLOADS_AT_ONCE;
    });
    const refused = await uploadRaw(api, agent.token, randomBytes(KIB), 'de trop.bin');
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 429, code: 'TOO_MANY_REQUESTS' });
    expect((await filesOf(agent)).files).toBe(UPLOADS_AT_ONCE);
    await held[0].send(randomBytes(size - KIB));
    expect((await held[0].answer).status).toBe(201);
    expect((await uploadRaw(api, agent.token, randomBytes(KIB), 'à son tour.bin')).status).toBe(201);
    await Promise.all(held.slice(1).map(async upload => (await upload.send(randomBytes(size - KIB)), expect((await upload.answer).status).toBe(201))));
  });

  test(`${FILES_PER_USER} files kept at most, empty ones included (413 QUOTA_EXCEEDED); deleting one makes room`, async () => {
    const agent = people[11];
    await api.sql(
      `INSERT INTO personal_file (owner_id, name, mime_type, status, size, sha256)
       SELECT $1, 'vide-' || n || '.txt', 'text/plain', 'STORED', 0, repeat('0', 64) FROM generate_series(1, $2::int) AS n`,
      [localId(agent.id), FILES_PER_USER],
    );
    const refused = await uploadRaw(api, agent.token, Buffer.alloc(0), 'encore un.txt', 'text/plain');
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 413, code: 'QUOTA_EXCEEDED' });
    await api.sql(`DELETE FROM personal_file WHERE id = (SELECT id FROM personal_file WHERE owner_id = $1 LIMIT 1)`, [localId(agent.id)]);
    expect((await uploadRaw(api, agent.token, Buffer.alloc(0), 'encore un.txt', 'text/plain')).status).toBe(201);
  });
});

describe('nothing half-written stays', () => {
  test.each([
    ['raw', (agent: Person) => uploadHead(agent, [`content-length: ${900 * KIB}`]), (bytes: Buffer) => bytes],
    [
      'multipart',
      (agent: Person) => uploadHead(agent, [`content-length: ${900 * KIB + 200}`, 'content-type: multipart/form-data; boundary=frontiere']),
      (bytes: Buffer) => Buffer.concat([Buffer.from('--frontiere\r\ncontent-disposition: form-data; name="f"; filename="coupé.bin"\r\ncontent-type: application/octet-stream\r\n\r\n'), bytes]),
    ],
  ])('%s upload: the client hangs up mid-body, its row and chunks are removed', async (_mode, head, frame) => {
    const agent = _mode === 'raw' ? people[7] : people[8];
    const socket = connect(Number(port()), '127.0.0.1');
    await new Promise(resolve => socket.once('connect', resolve));
    socket.write(`${head(agent).join('\r\n')}\r\n\r\n`);
    socket.write(frame(randomBytes(600 * KIB)));
    // Mid-upload: the file is UPLOADING, some chunks already stored.
    await eventually(async () => (await filesOf(agent)).chunks >= 2);
    const [{ status }] = await api.sql(`SELECT status FROM personal_file WHERE owner_id = $1`, [localId(agent.id)]);
    expect(status).toBe('UPLOADING');
    socket.destroy();
    await eventually(async () => (await filesOf(agent)).files === 0);
    expect(await filesOf(agent)).toEqual({ files: 0, chunks: 0 });
    const { myFiles } = await api.data<{ myFiles: unknown[] }>(`{ myFiles { id } }`, {}, bearer(agent.token));
    expect(myFiles).toEqual([]);
  });

  test('a multipart form with two files, or none, is refused (400) and stores nothing', async () => {
    const agent = people[9];
    const form = new FormData();
    form.append('a', new Blob([Buffer.from('un')]), 'un.txt');
    form.append('b', new Blob([Buffer.from('deux')]), 'deux.txt');
    const two = await fetch(`${api.origin}/files`, { method: 'POST', headers: bearer(agent.token), body: form });
    expect([two.status, ((await two.json()) as { error: { code: string } }).error.code]).toEqual([400, 'BAD_REQUEST']);
    const fieldsOnly = new FormData();
    fieldsOnly.append('description', 'pas de fichier');
    const none = await fetch(`${api.origin}/files`, { method: 'POST', headers: bearer(agent.token), body: fieldsOnly });
    expect(none.status).toBe(400);
    expect(await filesOf(agent)).toEqual({ files: 0, chunks: 0 });
  });

  test('uploads left UPLOADING for more than an hour (a process killed mid-upload) are swept, a running one is not', async () => {
    const owner = localId(people[9].id);
    const [stale] = await api.sql<{ id: string }>(`INSERT INTO personal_file (owner_id, name, mime_type, created_at) VALUES ($1, 'abandonné', 'application/pdf', now() - interval '2 hours') RETURNING id`, [owner]);
    const [running] = await api.sql<{ id: string }>(`INSERT INTO personal_file (owner_id, name, mime_type) VALUES ($1, 'en cours', 'application/pdf') RETURNING id`, [owner]);
    for (const { id } of [stale, running]) await api.sql(`INSERT INTO personal_file_chunk (file_id, seq, first_byte, data) VALUES ($1, 0, 0, $2)`, [id, randomBytes(KIB)]);
    expect(await sweepStaleUploads(api.app.database.dataSource)).toBe(1);
    const left = await api.sql(`SELECT f.name, count(c.seq)::int AS chunks FROM personal_file f LEFT JOIN personal_file_chunk c ON c.file_id = f.id WHERE f.owner_id = $1 GROUP BY f.name`, [owner]);
    expect(left).toEqual([{ name: 'en cours', chunks: 1 }]);
    await api.sql(`DELETE FROM personal_file WHERE id = $1`, [running.id]);
  });

  test('deleteFilesOf removes every file and chunk of a user within the caller’s transaction (account deletion)', async () => {
    const [, , agent] = people;
    expect((await filesOf(agent)).files).toBeGreaterThan(0);
    const removed = await api.app.database.dataSource.transaction(manager => deleteFilesOf(manager, localId(agent.id)));
    expect(removed).toBeGreaterThan(0);
    expect(await filesOf(agent)).toEqual({ files: 0, chunks: 0 });
  });
});
