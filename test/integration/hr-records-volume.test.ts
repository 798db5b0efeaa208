import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { hrFixture } from '../support/hr-records';
import { ADMIN_ENV, agents, bearer } from '../support/people';
import { startTestApp, type TestApp } from '../support/test-app';
import { localId } from '../support/values';

/**
 * GET /hr/records.csv is streamed in keyset batches: 100,000 records must cost the server no more
 * memory than 100. The server runs in this process, so the process's heap and RSS are its own (plus
 * this test's reader, which keeps no more than a chunk).
 */
const RECORDS = 100_000;
const SEED_BATCH = 10_000;

// On PostgreSQL only: what is measured is the route's streaming, the same code on either database,
// and 100,000 rows through the embedded PostgreSQL (every test file's PGlite runs in Jest's parent
// process) took minutes and slowed every other test file meanwhile. The CSV's content and rights
// are tested on both databases (hr-records-csv.test.ts).
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;
const START = Date.parse('2026-01-01T00:00:00Z');

let api: TestApp;
let hr: string;

// Live memory, not garbage waiting for a collection: V8's gc() without restarting Jest with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Download {
  lines: number;
  bytes: number;
  /** Highest live heap (after a full collection, sampled every 250 ms) and RSS while the answer streamed, above what they were before (MiB). */
  liveHeapGrowth: number;
  rssGrowth: number;
  ms: number;
}

async function download(query: string): Promise<Download> {
  gc();
  const before = process.memoryUsage();
  let heap = before.heapUsed;
  let rss = before.rss;
  const sampler = setInterval(() => {
    gc();
    const now = process.memoryUsage();
    heap = Math.max(heap, now.heapUsed);
    rss = Math.max(rss, now.rss);
  }, 250);
  const started = Date.now();
  const response = await fetch(`${api.origin}/hr/records.csv?${query}`, { headers: bearer(hr) });
  expect(response.status).toBe(200);
  let lines = 0;
  let bytes = 0;
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    for (let at = value.indexOf(0x0a); at !== -1; at = value.indexOf(0x0a, at + 1)) lines++;
  }
  clearInterval(sampler);
  const mib = (value: number) => Math.round((value / 2 ** 20) * 10) / 10;
  return { lines, bytes, liveHeapGrowth: mib(heap - before.heapUsed), rssGrowth: mib(rss - before.rss), ms: Date.now() - started };
}

onPostgres('GET /hr/records.csv at volume', () => {
  beforeAll(async () => {
    api = await startTestApp({ ...ADMIN_ENV, DEMO_DATA: 'false' });
    const fixture = await hrFixture(api);
    hr = fixture.tokens['HR correspondent of maa']!;
    const people = await agents(api, 100);
    // In batches: one statement of 100,000 rows ran past the app's statement_timeout (10 s) on a
    // machine busy with the other test files.
    for (let from = 0; from < RECORDS; from += SEED_BATCH) {
      await api.sql(
        `WITH done AS (
           INSERT INTO enrolment (user_id, session_id, status, completed_at)
           SELECT ($1::uuid[])[1 + n % 100], $2::uuid, 'COMPLETED', $3::timestamptz + n * interval '1 second'
           FROM generate_series($4::int, $5::int - 1) AS n
           RETURNING id, user_id, completed_at)
         INSERT INTO attestation (enrolment_id, user_id, code, holder_name, training_title, partner_name, duration_minutes, issued_at, credential)
         SELECT id, user_id, upper(substr(md5(id::text), 1, 16)), 'Agent', 'Formation générée ; pour le volume', 'Ministère', 60, completed_at, 'jws' FROM done`,
        [people.map(person => localId(person.id)), localId(fixture.sessionId), new Date(START).toISOString(), from, Math.min(from + SEED_BATCH, RECORDS)],
      );
    }
    await api.sql('ANALYZE enrolment');
    await api.sql('ANALYZE attestation');
    await api.sql('ANALYZE user_account');
  }, 180_000);
  afterAll(() => api.stop());

  test('100,000 records stream in the memory of 100', async () => {
    const since = new Date(START + (RECORDS - 100) * 1000).toISOString();
    await download(`partner=maa&since=${since}`); // warm-up: code paths compiled, pool connections open
    const small = await download(`partner=maa&since=${since}`);
    const large = await download('partner=maa');
    console.log(`HR records CSV on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}: 100 records ${JSON.stringify(small)}; ${RECORDS} records ${JSON.stringify(large)}`);
    expect(small.lines).toBe(1 + 100);
    expect(large.lines).toBe(1 + RECORDS);
    // The whole file is about 20 MiB, and its rows as objects several times that: holding them would show.
    expect(large.bytes).toBeGreaterThan(15 * 2 ** 20);
    // One batch of 1,000 rows and the socket's buffers are live at a time: a few MiB, against 20 MiB of text.
    expect(large.liveHeapGrowth).toBeLessThan(small.liveHeapGrowth + 8);
    expect(large.rssGrowth).toBeLessThan(small.rssGrowth + 64);
  }, 300_000);
});
