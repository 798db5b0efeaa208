import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clientToken } from '../support/accounts';
import { editorialTeam, review, updateTraining, type EditorialTeam } from '../support/editorial';
import { ADMIN_ENV, agents, bearer, person, type Person } from '../support/people';
import { finished } from '../support/processes';
import { startTestApp, type TestApp, type UserErrorView } from '../support/test-app';
import { day, localId } from '../support/values';

let api: TestApp;
let team: EditorialTeam;
let otherEditor: Person;
beforeAll(async () => {
  api = await startTestApp(ADMIN_ENV);
  team = await editorialTeam(api);
  otherEditor = await person(api, team.admin.token, 'editrice@numerique.gouv.fr', [['EDITOR', 'dinum']]);
});
afterAll(() => api.stop());

interface ItemView {
  externalRef: string;
  status: string;
  training: { id: string; slug: string; title: string; status: string; sessions: { edges: { node: { externalRef: string; capacity: number | null } }[] } } | null;
  errors: UserErrorView[];
}
interface ReportView {
  items: ItemView[];
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  applied: boolean;
  userErrors: UserErrorView[];
}

const IMPORT = `mutation($partner: String!, $items: [TrainingImportInput!]!, $dryRun: Boolean, $errorPolicy: ImportErrorPolicy) {
  importTrainings(partner: $partner, items: $items, dryRun: $dryRun, errorPolicy: $errorPolicy) {
    items { externalRef status errors { field code message }
      training { id slug title status sessions(first: 20) { edges { node { externalRef capacity } } } } }
    created updated unchanged failed applied userErrors { field code message } } }`;

function send(token: string | null, items: object[], options: { partner?: string; dryRun?: boolean; errorPolicy?: string } = {}) {
  return api.gql<{ importTrainings: ReportView }>(IMPORT, { partner: options.partner ?? 'maa', items, dryRun: options.dryRun, errorPolicy: options.errorPolicy }, bearer(token));
}

async function importAs(token: string, items: object[], options: { partner?: string; dryRun?: boolean; errorPolicy?: string } = {}): Promise<ReportView> {
  const { body } = await send(token, items, options);
  expect(body.errors).toBeUndefined();
  return body.data!.importTrainings;
}

let refs = 0;
/** A whole sheet with two sessions (dates fixed when built: send the same object again for the same content). */
function item(overrides: Record<string, unknown> = {}): Record<string, any> {
  refs += 1;
  return {
    externalRef: `MAA-${refs}`,
    collection: 'numerique',
    licence: 'CC-BY-4.0',
    title: `Formation importée ${refs}`,
    summary: 'Un résumé clair.',
    objectives: ['Comprendre', 'Appliquer'],
    modality: 'SELF_PACED',
    keywords: ['import'],
    sessions: [
      { externalRef: 'S1', startsAt: day(30), endsAt: day(30.3), capacity: 12, location: 'Paris' },
      { externalRef: 'S2', startsAt: day(60), endsAt: day(60.3) },
    ],
    ...overrides,
  };
}

const statuses = (report: ReportView) => report.items.map(entry => entry.status);
const countRows = async (sql: string, parameters: unknown[]) => Number((await api.sql<{ n: string }>(sql, parameters))[0].n);
const trainingsWithRefs = (list: string[]) => countRows(`SELECT count(*) AS n FROM training WHERE external_ref = ANY($1)`, [list]);

describe('statuses', () => {
  it('creates trainings submitted to the committees with their sessions, then finds them UNCHANGED', async () => {
    const items = [item(), item({ sessions: [] }), item({ slug: 'mon-slug-importe' })];
    const outboxBefore = await countRows(`SELECT coalesce(max(id), 0) AS n FROM outbox_message`, []);
    const first = await importAs(team.editor.token, items);
    expect(first).toMatchObject({ created: 3, updated: 0, unchanged: 0, failed: 0, applied: true, userErrors: [] });
    expect(first.items.map(entry => entry.training?.status)).toEqual(['SUBMITTED', 'SUBMITTED', 'SUBMITTED']);
    expect(first.items[2].training?.slug).toBe('mon-slug-importe');
    expect(first.items[0].training?.sessions.edges.map(edge => edge.node)).toEqual([
      { externalRef: 'S1', capacity: 12 },
      { externalRef: 'S2', capacity: null },
    ]);
    // One digest per committee member (both are verified and may review maa's trainings).
    const mails = await api.sql<{ to: string; subject: string }>(
      `SELECT payload->>'to' AS to, payload->>'subject' AS subject FROM outbox_message WHERE id > $1 ORDER BY payload->>'to'`,
      [outboxBefore],
    );
    expect(mails).toEqual([
      { to: 'comite.editorial@numerique.gouv.fr', subject: '3 formations à examiner' },
      { to: 'comite.technique@numerique.gouv.fr', subject: '3 formations à examiner' },
    ]);
    const outboxAfter = await countRows(`SELECT coalesce(max(id), 0) AS n FROM outbox_message`, []);

    const audits = await countRows(`SELECT count(*) AS n FROM audit_entry WHERE action = 'TRAININGS_IMPORTED'`, []);
    const again = await importAs(team.editor.token, items);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3, failed: 0 });
    expect(again.items.map(entry => entry.training?.id)).toEqual(first.items.map(entry => entry.training?.id));
    expect(await countRows(`SELECT coalesce(max(id), 0) AS n FROM outbox_message`, [])).toBe(outboxAfter);
    expect(await countRows(`SELECT count(*) AS n FROM audit_entry WHERE action = 'TRAININGS_IMPORTED'`, [])).toBe(audits);
  });

  it('edits a draft in place and resubmits it; sends back a training under review as FAILED', async () => {
    const draft = item();
    const { createTraining } = await api.data<{ createTraining: { training: { id: string } } }>(
      `mutation($input: TrainingInput!) { createTraining(input: $input) { training { id } } }`,
      { input: { partner: 'maa', externalRef: draft.externalRef, collection: 'numerique', licence: 'CC-BY-4.0', title: 'Ancien titre', summary: 'Résumé', objectives: ['Savoir'], modality: 'WEBINAR' } },
      bearer(team.editor.token),
    );
    const edited = await importAs(team.editor.token, [draft]);
    expect(edited.items[0]).toMatchObject({ status: 'UPDATED', errors: [], training: { id: createTraining.training.id, title: draft.title, status: 'SUBMITTED' } });
    // Under review now: its sheet is frozen, its sessions are not.
    const frozen = await importAs(team.editor.token, [{ ...draft, title: 'Encore un autre titre' }]);
    expect(frozen.items[0]).toMatchObject({ status: 'FAILED', training: null, errors: [{ code: 'INVALID_TRANSITION', field: ['items', '0'] }] });
    expect(frozen.applied).toBe(false);
    const sessionsOnly = await importAs(team.editor.token, [{ ...draft, sessions: [...draft.sessions, { externalRef: 'S3', startsAt: day(90), endsAt: day(90.3) }] }]);
    expect(sessionsOnly.items[0].status).toBe('UPDATED');
    expect(sessionsOnly.items[0].training?.sessions.edges).toHaveLength(3);
  });

  it('resubmits a training sent back for changes', async () => {
    const sent = item();
    const [created] = (await importAs(team.editor.token, [sent])).items;
    expect((await review(api, team.editorial.token, created.training!.id, 'EDITORIAL', 'REQUEST_CHANGES', 'Précisez le public.')).userErrors).toEqual([]);
    const report = await importAs(team.editor.token, [{ ...sent, audience: 'Les agents de catégorie A' }]);
    expect(report.items[0]).toMatchObject({ status: 'UPDATED', training: { status: 'SUBMITTED' } });
  });

  it('gives a published training a submitted pending revision, keeps it online, and changes its sessions at once', async () => {
    const live = item();
    const [created] = (await importAs(team.editor.token, [live])).items;
    const id = created.training!.id;
    await review(api, team.editorial.token, id, 'EDITORIAL', 'APPROVE');
    expect((await review(api, team.technical.token, id, 'TECHNICAL', 'APPROVE')).training?.status).toBe('PUBLISHED');
    const feedBefore = await countRows(`SELECT count(*) AS n FROM catalogue_change WHERE training_id = $1`, [localId(id)]);
    // An editor's pending revision, not yet submitted: the import rewrites it (the whole sheet) and submits it.
    expect((await updateTraining(api, team.editor.token, id, { summary: 'Résumé proposé à la main' })).training?.pendingRevision?.status).toBe('DRAFT');

    const changed = { ...live, title: 'Titre révisé', sessions: [{ ...live.sessions[0], capacity: 20 }, live.sessions[1], { externalRef: 'S3', startsAt: day(120), endsAt: day(120.3) }] };
    const report = await importAs(team.editor.token, [changed]);
    expect(report.items[0]).toMatchObject({ status: 'UPDATED', training: { title: live.title, status: 'PUBLISHED' } });
    const { training } = await api.data<{ training: { title: string; sessions: { edges: { node: { externalRef: string; capacity: number } }[] } } | null }>(
      `query($slug: String!) { training(slug: $slug) { title sessions(first: 10) { edges { node { externalRef capacity } } } } }`,
      { slug: created.training!.slug },
    );
    expect(training?.title).toBe(live.title);
    expect(training?.sessions.edges.map(edge => edge.node)).toEqual([
      { externalRef: 'S1', capacity: 20 },
      { externalRef: 'S2', capacity: null },
      { externalRef: 'S3', capacity: null },
    ]);
    const revisions = await api.sql(`SELECT title, summary, status FROM training_revision WHERE training_id = $1`, [localId(id)]);
    expect(revisions).toEqual([{ title: 'Titre révisé', summary: live.summary, status: 'SUBMITTED' }]);
    const feed = await api.sql<{ type: string }>(`SELECT type FROM catalogue_change WHERE training_id = $1 ORDER BY id OFFSET $2`, [localId(id), feedBefore]);
    expect(feed.map(change => change.type).sort()).toEqual(['SESSION_CREATED', 'SESSION_UPDATED']);

    expect((await importAs(team.editor.token, [changed])).items[0].status).toBe('UNCHANGED');
    // The revision is under review: other changes to the sheet wait for the committees.
    const refused = await importAs(team.editor.token, [{ ...changed, title: 'Troisième titre' }]);
    expect(refused.items[0].errors).toEqual([expect.objectContaining({ code: 'INVALID_TRANSITION', field: ['items', '0'] })]);
    // Back to the live sheet while the revision waits: not UNCHANGED, or the revision could still go live.
    const reverted = await importAs(team.editor.token, [{ ...live, sessions: changed.sessions }]);
    expect(reverted.items[0].errors).toEqual([expect.objectContaining({ code: 'INVALID_TRANSITION', field: ['items', '0'] })]);
  });
});

describe('failures', () => {
  it('names every field at fault, and applies the error policy', async () => {
    const good = item();
    const bad = item({ title: 'x', licence: 'inconnue', sessions: [{ externalRef: 'S1', startsAt: day(10), endsAt: day(9) }] });
    const everything = await importAs(team.editor.token, [good, bad]);
    expect(everything).toMatchObject({ applied: false, created: 1, failed: 1 });
    expect(statuses(everything)).toEqual(['CREATED', 'FAILED']);
    // Its format, its references and its sessions' rules, all in one report.
    expect(everything.items[1].errors.map(error => [error.code, error.field])).toEqual([
      ['VALIDATION', ['items', '1', 'title']],
      ['NOT_FOUND', ['items', '1', 'licence']],
      ['VALIDATION', ['items', '1', 'sessions', '0', 'endsAt']],
    ]);
    expect(await trainingsWithRefs([good.externalRef, bad.externalRef])).toBe(0);

    const fixedTitle = { ...bad, title: 'Un titre correct' };
    const stillBad = await importAs(team.editor.token, [good, fixedTitle], { errorPolicy: 'REJECT_FAILED_ITEMS' });
    expect(stillBad).toMatchObject({ applied: true, created: 1, failed: 1 });
    expect(stillBad.items[1].errors.map(error => [error.code, error.field])).toEqual([
      ['NOT_FOUND', ['items', '1', 'licence']],
      ['VALIDATION', ['items', '1', 'sessions', '0', 'endsAt']],
    ]);
    expect(await trainingsWithRefs([good.externalRef, bad.externalRef])).toBe(1);
  });

  it('applies the session rules of createSession and updateSession to each item, naming the field', async () => {
    const holder = item();
    await importAs(team.editor.token, [holder]);
    await api.sql(`UPDATE training_session SET seats_taken = 5 WHERE external_ref = 'S1' AND training_id = (SELECT id FROM training WHERE external_ref = $1)`, [holder.externalRef]);
    const report = await importAs(
      team.editor.token,
      [
        { ...holder, sessions: [{ ...holder.sessions[0], capacity: 4 }, { ...holder.sessions[1], enrolmentOpensAt: day(58), enrolmentClosesAt: day(55) }] },
        item({ sessions: [{ externalRef: 'A', startsAt: day(-1), endsAt: day(1) }, { externalRef: 'A', startsAt: day(5), endsAt: day(6) }] }),
      ],
      { errorPolicy: 'REJECT_FAILED_ITEMS' },
    );
    expect(report.items[0].errors.map(error => error.field)).toEqual([
      ['items', '0', 'sessions', '0', 'capacity'],
      ['items', '0', 'sessions', '1', 'enrolmentOpensAt'],
    ]);
    expect(report.items[1].errors.map(error => error.field)).toEqual([
      ['items', '1', 'sessions', '1', 'externalRef'],
      ['items', '1', 'sessions', '0', 'startsAt'],
    ]);
    const started = await importAs(team.editor.token, [item({ sessions: [{ externalRef: 'A', startsAt: day(-1), endsAt: day(1) }] })]);
    expect(started.items[0].errors.map(error => error.field)).toEqual([['items', '0', 'sessions', '0', 'startsAt']]);
  });

  it('weighs an item at fault against what the partner holds too: its sessions, its slug', async () => {
    const held = item();
    const [{ training }] = (await importAs(team.editor.token, [held])).items;
    await api.sql(`UPDATE training_session SET seats_taken = 5 WHERE external_ref = 'S1' AND training_id = (SELECT id FROM training WHERE external_ref = $1)`, [held.externalRef]);
    const [S1, S2] = held.sessions;
    const report = await importAs(team.editor.token, [
      { ...held, title: 'x', licence: 'inconnue', sessions: [{ ...S1, capacity: 4 }, { ...S2, endsAt: S2.startsAt }] },
      item({ summary: ' ', slug: training!.slug }),
    ]);
    expect(report.items.map(entry => [entry.status, entry.training])).toEqual([['FAILED', null], ['FAILED', null]]);
    expect(report.items[0].errors.map(error => [error.code, error.field])).toEqual([
      ['VALIDATION', ['items', '0', 'title']],
      ['NOT_FOUND', ['items', '0', 'licence']],
      ['VALIDATION', ['items', '0', 'sessions', '0', 'capacity']],
      ['VALIDATION', ['items', '0', 'sessions', '1', 'endsAt']],
    ]);
    expect(report.items[1].errors.map(error => [error.code, error.field])).toEqual([
      ['VALIDATION', ['items', '1', 'summary']],
      ['VALIDATION', ['items', '1', 'slug']],
    ]);
  });

  it('refuses two items with one reference, and more than 500 items', async () => {
    const twice = item();
    const report = await importAs(team.editor.token, [twice, { ...twice, title: 'Autre' }], { errorPolicy: 'REJECT_FAILED_ITEMS' });
    expect(statuses(report)).toEqual(['CREATED', 'FAILED']);
    expect(report.items[1].errors[0].field).toEqual(['items', '1', 'externalRef']);
    // An item at fault still holds its reference: the same one further down is not taken for the one meant.
    const meant = item();
    const ambiguous = await importAs(team.editor.token, [{ ...meant, title: 'x' }, meant], { errorPolicy: 'REJECT_FAILED_ITEMS' });
    expect(ambiguous.items.map(entry => entry.errors.map(error => error.field))).toEqual([[['items', '0', 'title']], [['items', '1', 'externalRef']]]);

    const many = Array.from({ length: 501 }, () => item({ sessions: [] }));
    const tooMany = await importAs(team.editor.token, many);
    expect(tooMany).toMatchObject({ items: [], applied: false, userErrors: [{ code: 'VALIDATION', field: ['items'] }] });
    expect(await trainingsWithRefs(many.map(entry => entry.externalRef))).toBe(0);
  });

  it('writes nothing on a dry run, and reports in full', async () => {
    const items = [item(), item()];
    const report = await importAs(team.editor.token, items, { dryRun: true });
    expect(report).toMatchObject({ created: 2, applied: false });
    expect(report.items.map(entry => entry.training)).toEqual([null, null]);
    expect(await trainingsWithRefs(items.map(entry => entry.externalRef))).toBe(0);
  });
});

describe('concurrency and cost', () => {
  it('creates each training once when identical calls race', async () => {
    const items = Array.from({ length: 20 }, () => item());
    const reports = await Promise.all([0, 1, 2].map(() => importAs(team.editor.token, items)));
    expect(reports.map(report => [report.created, report.unchanged]).sort()).toEqual([[0, 20], [0, 20], [20, 0]]);
    expect(await trainingsWithRefs(items.map(entry => entry.externalRef))).toBe(20);
    expect(await countRows(`SELECT count(*) AS n FROM training_session s JOIN training t ON t.id = s.training_id WHERE t.external_ref = ANY($1)`, [items.map(entry => entry.externalRef)])).toBe(40);
  });

  /** The statements of an import whose items all end as `status`. */
  async function statementsOf(items: object[], status: string): Promise<number> {
    const { body, statements } = await send(team.editor.token, items);
    expect(body.data?.importTrainings.items.map(entry => entry.status)).toEqual(items.map(() => status));
    expect(Number.isInteger(statements)).toBe(true);
    return statements;
  }

  it('sends as many SQL statements for 100 items as for 10, new, unchanged or updated', async () => {
    const withThreeSessions = () => item({ sessions: [1, 2, 3].map(n => ({ externalRef: `S${n}`, startsAt: day(10 * n), endsAt: day(10 * n + 0.3), capacity: 10 })) });
    await send(team.editor.token, [withThreeSessions()]); // the caller's grants and the process's caches warmed alike
    const ten = Array.from({ length: 10 }, withThreeSessions);
    const hundred = Array.from({ length: 100 }, withThreeSessions);
    const created = await statementsOf(ten, 'CREATED');
    expect(await statementsOf(hundred, 'CREATED')).toBe(created);
    const unchanged = await statementsOf(ten, 'UNCHANGED');
    expect(await statementsOf(hundred, 'UNCHANGED')).toBe(unchanged);
    // Under review, their sheets wait for the committees but their sessions change: one more seat, one session more.
    const rescheduled = (entry: Record<string, any>) => ({
      ...entry,
      sessions: [{ ...entry.sessions[0], capacity: 11 }, ...entry.sessions.slice(1), { externalRef: 'S4', startsAt: day(40), endsAt: day(40.3) }],
    });
    const updated = await statementsOf(ten.map(rescheduled), 'UPDATED');
    expect(await statementsOf(hundred.map(rescheduled), 'UPDATED')).toBe(updated);
  });

  describe('sessions with agents', () => {
    const ENROL = `mutation($sessionId: ID!) { enrol(sessionId: $sessionId) { enrolment { status } userErrors { code } } }`;
    const sessionGlobalId = (id: string) => Buffer.from(`TrainingSession:${id}`).toString('base64url');

    async function enrol(agent: Person, sessionId: string, status: string) {
      const { enrol } = await api.data<{ enrol: { enrolment: { status: string } | null; userErrors: UserErrorView[] } }>(ENROL, { sessionId: sessionGlobalId(sessionId) }, bearer(agent.token));
      expect(enrol).toEqual({ enrolment: { status }, userErrors: [] });
    }

    /**
     * `count` published trainings, each with a session holding an agent (S1) and a session of one
     * seat, taken, with an agent waiting (S2): the same three agents in each.
     */
    async function publishedWithAgents(count: number) {
      const items = Array.from({ length: count }, () =>
        item({
          sessions: [
            { externalRef: 'S1', startsAt: day(30), endsAt: day(30.3), capacity: 12, location: 'Paris' },
            { externalRef: 'S2', startsAt: day(60), endsAt: day(60.3), capacity: 1 },
          ],
        }),
      );
      for (const { training } of (await importAs(team.editor.token, items)).items) {
        await review(api, team.editorial.token, training!.id, 'EDITORIAL', 'APPROVE');
        expect((await review(api, team.technical.token, training!.id, 'TECHNICAL', 'APPROVE')).training?.status).toBe('PUBLISHED');
      }
      const [seated, confirmed, waiting] = await agents(api, 3);
      const sessions = await api.sql<{ id: string; ref: string }>(
        `SELECT s.id, s.external_ref AS ref FROM training_session s JOIN training t ON t.id = s.training_id WHERE t.external_ref = ANY($1)`,
        [items.map(entry => entry.externalRef)],
      );
      for (const session of sessions) {
        if (session.ref === 'S1') await enrol(seated, session.id, 'CONFIRMED');
        else {
          await enrol(confirmed, session.id, 'CONFIRMED');
          await enrol(waiting, session.id, 'WAITLISTED');
        }
      }
      // S1 a day later, S2 one seat more.
      const changed = items.map(entry => {
        const [S1, S2] = entry.sessions;
        return { ...entry, sessions: [{ ...S1, startsAt: day(31), endsAt: day(31.3) }, { ...S2, capacity: 2 }] };
      });
      const emails = await api.sql<{ email: string }>(`SELECT email FROM user_account WHERE id = ANY($1) ORDER BY array_position($1, id)`, [
        [seated, confirmed, waiting].map(agent => localId(agent.id)),
      ]);
      return { changed, titles: items.map(entry => entry.title as string), emails: emails.map(row => row.email) };
    }

    it('promotes and tells agents in as many SQL statements for 6 sessions of each kind as for 2', async () => {
      const two = await publishedWithAgents(2);
      const six = await publishedWithAgents(6);
      const twoStatements = await statementsOf(two.changed, 'UPDATED');
      const outboxBefore = await countRows(`SELECT coalesce(max(id), 0) AS n FROM outbox_message`, []);
      expect(await statementsOf(six.changed, 'UPDATED')).toBe(twoStatements);

      // The agent already seated in S2 hears nothing; the one waiting has the seat added.
      const [seated, , waiting] = six.emails;
      const mails = await api.sql<{ to: string; subject: string }>(
        `SELECT payload->>'to' AS to, payload->>'subject' AS subject FROM outbox_message WHERE channel = 'mail' AND id > $1`,
        [outboxBefore],
      );
      const sorted = (list: { to: string; subject: string }[]) => list.map(mail => `${mail.to} ${mail.subject}`).sort();
      expect(sorted(mails)).toEqual(
        sorted([
          ...six.titles.map(title => ({ to: seated, subject: `Session modifiée : ${title}` })),
          ...six.titles.map(title => ({ to: waiting, subject: `Une place s’est libérée : ${title}` })),
        ]),
      );
      const statusesOf = (email: string) =>
        api.sql<{ status: string; n: string }>(
          `SELECT e.status, count(*) AS n FROM enrolment e JOIN user_account u ON u.id = e.user_id WHERE u.email = $1 GROUP BY e.status`,
          [email],
        );
      expect(await statusesOf(waiting)).toEqual([{ status: 'CONFIRMED', n: '6' }]);
    });
  });
});

describe('who may import', () => {
  const attempt = async (token: string | null, partner = 'maa') => {
    const { body } = await send(token, [item({ sessions: [] })], { partner });
    return body.errors?.[0]?.extensions?.code ?? (body.data?.importTrainings.applied ? 'OK' : 'NOT APPLIED');
  };

  it('refuses anonymous callers, agents, editors of another partner and committee members', async () => {
    const [agent] = await agents(api, 1);
    expect(await attempt(null)).toBe('UNAUTHENTICATED');
    expect(await attempt(agent.token)).toBe('FORBIDDEN');
    expect(await attempt(otherEditor.token)).toBe('FORBIDDEN');
    expect(await attempt(team.editorial.token)).toBe('FORBIDDEN');
  });

  it("allows the partner's editors, admins and the partner's clients with catalogue:write", async () => {
    expect(await attempt(team.editor.token)).toBe('OK');
    expect(await attempt(team.admin.token)).toBe('OK');
    expect(await attempt(await clientToken(api, team.admin.token, 'maa', ['catalogue:write'], { name: 'SI formation' }))).toBe('OK');
  });

  it("refuses another partner's client, a client without the scope, and a revoked client", async () => {
    expect(await attempt(await clientToken(api, team.admin.token, 'dinum', ['catalogue:write'], { name: 'SI dinum' }))).toBe('FORBIDDEN');
    expect(await attempt(await clientToken(api, team.admin.token, 'maa', ['hr:read'], { name: 'SIRH maa' }))).toBe('FORBIDDEN');
    expect(await attempt(await clientToken(api, team.admin.token, 'maa', ['catalogue:write'], { name: 'Révoqué', revoked: true }))).toBe('FORBIDDEN');
  });
});

describe('the CLI (npm run import)', () => {
  const ROOT = path.resolve(__dirname, '..', '..');
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mentor-import-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Runs the CLI as a separate process on this file's database. */
  const runCli = (...args: string[]) =>
    finished(
      spawn(process.execPath, ['-r', path.join(ROOT, 'test', 'support', 'swc-register.js'), path.join(ROOT, 'src', 'integration', 'import-cli.ts'), ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, DATABASE_URL: api.database.url, NODE_ENV: 'test', DATA_DIR: dir, LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );

  it('imports a JSON file as the system, audited with its source, and finds it unchanged the second time', async () => {
    const file = path.join(dir, 'catalogue.json');
    await writeFile(file, JSON.stringify({ items: [item({ externalRef: 'JSON-1' }), item({ externalRef: 'JSON-2', sessions: [] })] }));
    const first = await runCli('--partner', 'maa', '--file', file);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created 2, updated 0, unchanged 0, failed 0: written');
    expect(await trainingsWithRefs(['JSON-1', 'JSON-2'])).toBe(2);
    const [audit] = await api.sql(`SELECT actor, details FROM audit_entry WHERE action = 'TRAININGS_IMPORTED' AND details->>'source' LIKE 'cli:%' ORDER BY created_at DESC LIMIT 1`);
    expect(audit).toMatchObject({ actor: null, details: { created: 2, source: expect.stringContaining('catalogue.json') } });

    const second = await runCli('--partner', 'maa', '--file', file, '--json');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ created: 0, unchanged: 2, applied: true });
  });

  it('imports a CSV file, one line per session, and reports failures with their fields', async () => {
    const file = path.join(dir, 'catalogue.csv');
    await writeFile(
      file,
      [
        'externalRef;title;summary;objectives;collection;licence;modality;durationMinutes;certifying;keywords;sessionRef;startsAt;endsAt;capacity;location',
        'CSV-1;Gestion budgétaire;"Les bases; puis la pratique";Comprendre | Appliquer;numerique;etalab-2.0;WEBINAR;120;oui;budget | finances;S1;2030-01-10T09:00:00Z;2030-01-10T12:00:00Z;20;Paris',
        'CSV-1;Gestion budgétaire;"Les bases; puis la pratique";Comprendre | Appliquer;numerique;etalab-2.0;WEBINAR;120;oui;budget | finances;S2;2030-02-10T09:00:00Z;2030-02-10T12:00:00Z;;Lyon',
        'CSV-2;Marchés publics;Résumé;Savoir;numerique;etalab-2.0;SELF_PACED;;non;;;;;;',
        '',
      ].join('\r\n'),
    );
    const result = await runCli('--partner', 'maa', '--file', file);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('created 2, updated 0, unchanged 0, failed 0: written');
    const rows = await api.sql(
      `SELECT t.external_ref, t.summary, t.objectives, t.certifying, s.external_ref AS session, s.capacity, s.location FROM training t
       LEFT JOIN training_session s ON s.training_id = t.id WHERE t.external_ref LIKE 'CSV-%' ORDER BY 1, 5`,
    );
    expect(rows).toEqual([
      { external_ref: 'CSV-1', summary: 'Les bases; puis la pratique', objectives: ['Comprendre', 'Appliquer'], certifying: true, session: 'S1', capacity: 20, location: 'Paris' },
      { external_ref: 'CSV-1', summary: 'Les bases; puis la pratique', objectives: ['Comprendre', 'Appliquer'], certifying: true, session: 'S2', capacity: null, location: 'Lyon' },
      { external_ref: 'CSV-2', summary: 'Résumé', objectives: ['Savoir'], certifying: false, session: null, capacity: null, location: null },
    ]);

    await writeFile(file, 'externalRef,title,summary,objectives,collection,licence,modality\nCSV-3,Un,Résumé,Savoir,numerique,etalab-2.0,SELF_PACED\n');
    const refused = await runCli('--partner', 'maa', '--file', file);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('VALIDATION ["items","0","title"]');
    expect(refused.stdout).toContain('nothing written');
  });
});
