import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app';
import { signAccessToken } from '../src/auth/tokens';
import { loadConfig } from '../src/config';

/*
 * W6: importTrainings of 500 whole sheets with 3 sessions each, in one call, three times: all new
 * (CREATED), the same again (UNCHANGED), then — each session full, 2 agents waiting — every
 * session given 5 more seats (UPDATED, 1,500 session updates, 3,000 agents promoted and told);
 * then the same three calls with 50 sheets. The issue's budget: ≤ 5 s a call,
 * statements that do not grow with the items (`importFailures` checks both).
 * `npm run bench` runs it on its PostgreSQL and on a fresh embedded database; `node dist/bench/import-alone.js` alone.
 */

/** The issue's budget for one call of 500 items with 3 sessions each. */
export const IMPORT_BUDGET_MS = 5_000;
const SIZES = [500, 50];

export interface ImportMeasure {
  database?: string;
  step: 'create' | 'unchanged' | 'sessions';
  items: number;
  sessions: number;
  ms: number;
  statements: number;
  report: { created: number; updated: number; unchanged: number; failed: number; applied: boolean };
}

type Sql = (query: string, parameters?: unknown[]) => Promise<{ id: string }[]>;

const IMPORT = `mutation W6($items: [TrainingImportInput!]!) { importTrainings(partner: "maa", items: $items) {
  created updated unchanged failed applied userErrors { message } items { status training { id } } } }`;

/** Agents enrolled in every imported session: 20 seated, 2 waiting (the sessions have 20 seats). */
const SEATED = 20;
const WAITING = 2;

/** A bench admin (its grants are read from the database for each request), its agents, and nothing left by an earlier run. */
async function prepare(sql: Sql): Promise<string> {
  await sql(`DELETE FROM enrolment WHERE session_id IN (SELECT s.id FROM training_session s JOIN training t ON t.id = s.training_id WHERE t.external_ref LIKE 'BENCH-IMPORT-%')`);
  await sql(`DELETE FROM training WHERE external_ref LIKE 'BENCH-IMPORT-%'`);
  await sql(
    `INSERT INTO user_account (email, password_hash, display_name, email_verified)
     SELECT 'banc-import-' || n || '@agriculture.gouv.fr', '!', 'Agent ' || n, true FROM generate_series(1, $1::int) AS n
     ON CONFLICT (email) DO NOTHING`,
    [SEATED + WAITING],
  );
  const [admin] = await sql(
    `INSERT INTO user_account (email, password_hash, display_name, email_verified) VALUES ('bench-import@numerique.gouv.fr', '!', 'Import du banc', true)
     ON CONFLICT (email) DO UPDATE SET display_name = excluded.display_name RETURNING id`,
  );
  await sql(`INSERT INTO role_grant (user_id, role) SELECT $1, 'ADMIN' WHERE NOT EXISTS (SELECT 1 FROM role_grant WHERE user_id = $1 AND role = 'ADMIN')`, [admin.id]);
  return admin.id;
}

function items(count: number, sessionsPerItem: number, capacity: number) {
  const start = Date.UTC(2031, 0, 5, 9);
  return Array.from({ length: count }, (_, n) => ({
    // Each size has trainings of its own: the smaller run creates too.
    externalRef: `BENCH-IMPORT-${count}-${n}`,
    collection: 'numerique',
    licence: 'etalab-2.0',
    title: `Formation importée du banc numéro ${n}`,
    summary: 'Une fiche complète, importée depuis le système du partenaire.',
    objectives: ['Comprendre le cadre', 'Appliquer la méthode', 'Évaluer les résultats'],
    modality: 'VIRTUAL_CLASS',
    durationMinutes: 180,
    keywords: ['import', 'banc', `lot-${n % 10}`],
    targetJobs: ['Gestionnaire'],
    audience: 'Agents des services déconcentrés.',
    sessions: Array.from({ length: sessionsPerItem }, (_, s) => ({
      externalRef: `S${s}`,
      startsAt: new Date(start + (n + 30 * s) * 86_400_000).toISOString(),
      endsAt: new Date(start + (n + 30 * s) * 86_400_000 + 3 * 3_600_000).toISOString(),
      capacity,
      location: 'Classe virtuelle',
    })),
  }));
}

export async function runImportWorkload(graphqlUrl: string, sql: Sql, jwtSecret: string, options = { sessionsPerItem: 3 }): Promise<ImportMeasure[]> {
  const token = signAccessToken(jwtSecret, await prepare(sql), []);
  const measures: ImportMeasure[] = [];
  const call = async (step: ImportMeasure['step'], body: object[]) => {
    const started = performance.now();
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: IMPORT, variables: { items: body } }),
    });
    const ms = Math.round(performance.now() - started);
    const answer = (await response.json()) as { data?: { importTrainings: ImportMeasure['report'] & { userErrors: unknown[] } }; errors?: unknown[] };
    if (!answer.data || answer.errors || answer.data.importTrainings.userErrors.length > 0) throw new Error(`W6 ${step}: ${JSON.stringify(answer).slice(0, 500)}`);
    const { created, updated, unchanged, failed, applied } = answer.data.importTrainings;
    measures.push({ step, items: body.length, sessions: body.length * options.sessionsPerItem, ms, statements: Number(response.headers.get('x-sql-statements')), report: { created, updated, unchanged, failed, applied } });
  };
  for (const size of SIZES) {
    const first = items(size, options.sessionsPerItem, SEATED);
    await call('create', first);
    await call('unchanged', first);
    await enrolAgents(sql, size);
    // Five more seats a session: its waiting agents are promoted and told, all in the same statements.
    await call('sessions', items(size, options.sessionsPerItem, SEATED + 5));
  }
  return measures;
}

/** Every session of the `size` import full, with a waiting line: written as the enrolment service would leave them. */
async function enrolAgents(sql: Sql, size: number): Promise<void> {
  await sql(
    `INSERT INTO enrolment (user_id, session_id, status, waitlist_position)
     SELECT u.id, s.id, CASE WHEN u.n <= $2 THEN 'CONFIRMED' ELSE 'WAITLISTED' END::enrolment_status_enum, CASE WHEN u.n <= $2 THEN NULL ELSE u.n - $2 END
     FROM training_session s JOIN training t ON t.id = s.training_id
     CROSS JOIN (SELECT id, row_number() OVER (ORDER BY email) AS n FROM user_account WHERE email LIKE 'banc-import-%@agriculture.gouv.fr') u
     WHERE t.external_ref LIKE $1`,
    [`BENCH-IMPORT-${size}-%`, SEATED],
  );
}

/** What breaks the issue's promises: a call over the budget, a report not as expected, statements that grow with the items. */
export function importFailures(measures: ImportMeasure[]): string[] {
  const expected = { create: 'created', unchanged: 'unchanged', sessions: 'updated' } as const;
  const failures = measures.flatMap(m => [
    ...(m.ms > IMPORT_BUDGET_MS ? [`W6 ${m.step} of ${m.items} items took ${m.ms} ms (budget ${IMPORT_BUDGET_MS})`] : []),
    ...(m.report[expected[m.step]] !== m.items ? [`W6 ${m.step} of ${m.items} items: ${JSON.stringify(m.report)}`] : []),
  ]);
  const runs = new Set(measures.map(m => `${m.database ?? ''}|${m.step}`));
  for (const run of runs) {
    const sizes = measures.filter(m => `${m.database ?? ''}|${m.step}` === run);
    const counts = new Set(sizes.map(m => m.statements));
    if (counts.size > 1) failures.push(`W6 ${run.replace('|', ' ')}: statements grow with the items (${sizes.map(m => `${m.statements} for ${m.items}`).join(', ')})`);
  }
  return failures;
}

export function describeImports(measures: ImportMeasure[]): string[] {
  return measures.map(
    m => `W6 import${m.database ? ` (${m.database})` : ''} ${m.step}: ${m.items} items (${m.sessions} sessions) in ${m.ms} ms, ${m.statements} statements — created ${m.report.created}, updated ${m.report.updated}, unchanged ${m.report.unchanged}, failed ${m.report.failed}`,
  );
}

/** W6 on an API in this process: on a fresh embedded database (PGlite) without `databaseUrl`. */
export async function runImportInProcess(databaseUrl?: string): Promise<ImportMeasure[]> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mentor-bench-import-'));
  const jwtSecret = randomBytes(32).toString('base64url');
  const app = await createApp(loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir, DEMO_DATA: 'false', LOG_LEVEL: 'warn', JWT_SECRET: jwtSecret, DATABASE_URL: databaseUrl }));
  try {
    const measures = await runImportWorkload(app.url, (query, parameters) => app.database.dataSource.query(query, parameters), jwtSecret);
    return measures.map(m => ({ ...m, database: databaseUrl ? 'PostgreSQL, in process' : 'embedded' }));
  } finally {
    await app.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
