import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { signAccessToken } from '../../src/auth/tokens';
import { spawnApi, stopProcess, whenReady } from '../support/processes';
import { createTestDatabase } from '../support/test-database';
import { MIB, streamUpload } from '../support/files';

const JWT_SECRET = 'secret-du-test-de-memoire-des-envois-0123456789';

/** A line of /proc/<pid>/status, in bytes (VmRSS: resident now; VmHWM: the peak since the last reset). */
async function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
}

// Measured on a separate API process, as deployed: the test runner's own memory is not in it (nor,
// on the embedded database, PGlite's, which runs in the runner behind its socket).
test('four parallel uploads of 25 MiB raise the API process’s peak memory (VmHWM) by less than 64 MiB', async () => {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mentor-files-memory-'));
  const api = spawnApi({ DATABASE_URL: database.url, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DEMO_DATA: 'false', JWT_SECRET, NODE_ENV: 'test' });
  const db = new Client({ connectionString: database.url });
  try {
    const origin = (await whenReady(api)).replace(/\/graphql$/, '');
    await db.connect();
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO user_account (email, password_hash, display_name, email_verified) SELECT 'memoire' || n || '@agriculture.gouv.fr', '!', 'Agent ' || n, true FROM generate_series(1, 4) AS n RETURNING id`,
    );
    const tokens = rows.map(row => signAccessToken(JWT_SECRET, row.id, []));
    // Warm up: modules loaded, pool connections open, JIT settled.
    for (const token of tokens) expect((await streamUpload(origin, token, 2 * MIB, 'échauffement.bin')).status).toBe(201);

    const pid = api.pid!;
    const before = await procStatus(pid, 'VmRSS');
    // Resets VmHWM to the current resident size (proc(5), clear_refs).
    await writeFile(`/proc/${pid}/clear_refs`, '5');
    const answers = await Promise.all(tokens.map((token, index) => streamUpload(origin, token, 25 * MIB, `gros-fichier-${index}.bin`)));
    const peak = await procStatus(pid, 'VmHWM');

    expect(answers.map(answer => [answer.status, answer.body.size])).toEqual(tokens.map(() => [201, 25 * MIB]));
    const { rows: [stored] } = await db.query(`SELECT count(*)::int AS files, sum(size)::bigint AS bytes FROM personal_file WHERE status = 'STORED' AND size = $1`, [25 * MIB]);
    expect(stored).toEqual({ files: 4, bytes: String(100 * MIB) });
    console.log(`RSS before ${(before / MIB).toFixed(1)} MiB, peak during the uploads ${(peak / MIB).toFixed(1)} MiB: +${((peak - before) / MIB).toFixed(1)} MiB`);
    expect(peak - before).toBeLessThan(64 * MIB);
    expect(await stopProcess(api)).toBe(0);
  } finally {
    await db.end();
    api.kill('SIGKILL');
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}, 180_000);
