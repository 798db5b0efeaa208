import {
  archive,
  createDraft,
  editorialTeam,
  publish as publishWith,
  review,
  SESSION_FIELDS,
  submit,
  trainingInput,
  tryCreateSession,
  updateTraining,
  type SessionPayload,
  type SessionView,
  type TrainingPayload,
} from '../support/editorial';
import { ADMIN_ENV, bearer, person, type Person } from '../support/people';
import { startTestApp, type GraphQLResponse, type TestApp, type UserErrorView } from '../support/test-app';
import { day, localId } from '../support/values';

let api: TestApp;
let admin: Person;
let editor: Person;
let otherEditor: Person;
let editorial: Person;
let technical: Person;

beforeAll(async () => {
  api = await startTestApp(ADMIN_ENV);
  ({ admin, editor, editorial, technical } = await editorialTeam(api));
  otherEditor = await person(api, admin.token, 'editeur@fonction-publique.gouv.fr', [['EDITOR', 'dgafp']]);
});
afterAll(() => api.stop());

const CREATE = `mutation($input: TrainingInput!) { createTraining(input: $input) {
  training { id slug status title summary objectives content durationMinutes certifying keywords targetJobs externalRef
    partner { slug } collection { slug } licence { code } coFunders { slug }
    audienceRule { partners { slug } categories functions } }
  userErrors { field code message } } }`;
/** What `CREATE` answers; the training's fields are compared whole, so only those read one by one are named. */
type Created = GraphQLResponse<{ createTraining: TrainingPayload<{ slug: string; partner: { slug: string } }> }>;
const create = (input: Record<string, unknown>, token = editor.token): Promise<Created> => api.gql(CREATE, { input }, bearer(token));

const counts = () =>
  api.sql(`SELECT (SELECT count(*) FROM training)::int AS trainings, (SELECT count(*) FROM training_revision)::int AS revisions,
    (SELECT count(*) FROM training_session)::int AS sessions`);

const publish = (id: string) => publishWith(api, { editor, editorial, technical }, id);

describe('createTraining', () => {
  test('an editor creates a DRAFT for their partner, every field stored as given (trimmed, de-duplicated)', async () => {
    const input = trainingInput({
      title: '  Sécurité des systèmes d’information : l’Œuvre commune  ',
      content: 'Trois modules.',
      durationMinutes: 90,
      certifying: true,
      keywords: ['cyber', 'cyber', ' sécurité '],
      targetJobs: ['Responsable SSI'],
      coFunders: ['dinum'],
      externalRef: 'MAA-SSI-01',
      audienceRule: { partners: ['maa', 'dgafp'], categories: ['A', 'B'], functions: ['  Encadrant '] },
    });
    const { body } = await create(input);
    expect(body.data?.createTraining.userErrors).toEqual([]);
    expect(body.data?.createTraining.training).toMatchObject({
      slug: 'securite-des-systemes-d-information-l-oeuvre-commune',
      status: 'DRAFT',
      title: 'Sécurité des systèmes d’information : l’Œuvre commune',
      durationMinutes: 90,
      certifying: true,
      keywords: ['cyber', 'sécurité'],
      externalRef: 'MAA-SSI-01',
      partner: { slug: 'maa' },
      collection: { slug: 'numerique' },
      licence: { code: 'CC-BY-4.0' },
      coFunders: [{ slug: 'dinum' }],
      audienceRule: { partners: [{ slug: 'maa' }, { slug: 'dgafp' }], categories: ['A', 'B'], functions: ['encadrant'] },
    });
  });

  test('slugs derived from the same title stay unique; an explicit slug is used as given', async () => {
    const title = 'Marchés publics : les bases';
    const first = await createDraft(api, editor.token, { title });
    const second = await createDraft(api, editor.token, { title });
    const third = await createDraft(api, admin.token, { title, partner: 'dgafp' });
    expect([first.slug, second.slug, third.slug]).toEqual(['marches-publics-les-bases', 'marches-publics-les-bases-2', 'marches-publics-les-bases-3']);
    expect((await createDraft(api, editor.token, { title, slug: 'achats-2027' })).slug).toBe('achats-2027');
  });

  test('slugs stay unique when drafts with one title are created at once', async () => {
    const title = 'Création simultanée';
    const created = await Promise.all(Array.from({ length: 6 }, () => create(trainingInput({ title }))));
    for (const { body } of created) expect(body.errors).toBeUndefined();
    const slugs = created.map(({ body }) => body.data?.createTraining.training?.slug);
    expect(new Set(slugs).size).toBe(6);
    for (const slug of slugs) expect(slug).toMatch(/^creation-simultanee(-\d+)?$/);
  });

  test('one external reference given to drafts created at once: one is created, the others refused', async () => {
    const created = await Promise.all(Array.from({ length: 4 }, () => create(trainingInput({ externalRef: 'REF-SIMULTANEE' }))));
    for (const { body } of created) expect(body.errors).toBeUndefined();
    const outcomes = created.map(({ body }) => body.data!.createTraining.userErrors.map(error => error.code).join() || 'CREATED').sort();
    expect(outcomes).toEqual(['CREATED', 'VALIDATION', 'VALIDATION', 'VALIDATION']);
  });

  test('an editor of another partner is FORBIDDEN; an admin may create for any partner', async () => {
    const before = await counts();
    const { body } = await create(trainingInput({ partner: 'maa' }), otherEditor.token);
    expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await counts()).toEqual(before);
    const byAdmin = await create(trainingInput({ partner: 'ira-lyon' }), admin.token);
    expect(byAdmin.body.data?.createTraining.training?.partner.slug).toBe('ira-lyon');
  });

  test.each([
    ['a short title', { title: 'ab' }, [['VALIDATION', ['input', 'title']]]],
    ['a blank summary', { summary: '   ' }, [['VALIDATION', ['input', 'summary']]]],
    ['no objective', { objectives: [] }, [['VALIDATION', ['input', 'objectives']]]],
    ['a zero duration', { durationMinutes: 0 }, [['VALIDATION', ['input', 'durationMinutes']]]],
    ['a malformed slug', { slug: 'Pas un slug' }, [['VALIDATION', ['input', 'slug']]]],
    ['a slug taken', { slug: 'marches-publics-les-bases' }, [['VALIDATION', ['input', 'slug']]]],
    ['an external reference taken', { externalRef: 'MAA-SSI-01' }, [['VALIDATION', ['input', 'externalRef']]]],
    ['an unknown partner', { partner: 'nulle-part' }, [['NOT_FOUND', ['input', 'partner']]]],
    ['an unknown collection', { collection: 'cuisine' }, [['NOT_FOUND', ['input', 'collection']]]],
    ['an unknown licence', { licence: 'WTFPL' }, [['NOT_FOUND', ['input', 'licence']]]],
    ['an unknown co-funder', { coFunders: ['dinum', 'inconnu'] }, [['NOT_FOUND', ['input', 'coFunders']]]],
    ['an unknown audience partner', { audienceRule: { partners: ['inconnu'] } }, [['NOT_FOUND', ['input', 'audienceRule', 'partners']]]],
    ['a blank function', { audienceRule: { functions: [' '] } }, [['VALIDATION', ['input', 'audienceRule', 'functions']]]],
    [
      'several faults at once',
      { title: 'x', summary: '', objectives: [''] },
      [
        ['VALIDATION', ['input', 'title']],
        ['VALIDATION', ['input', 'summary']],
        ['VALIDATION', ['input', 'objectives']],
      ],
    ],
  ])('refuses %s, naming the field, and writes nothing', async (_, overrides, expected) => {
    const before = await counts();
    const { body } = await create(trainingInput(overrides));
    expect(body.errors).toBeUndefined();
    const { training, userErrors } = body.data!.createTraining;
    expect(training).toBeNull();
    expect(userErrors.map(error => [error.code, error.field])).toEqual(expected);
    expect(userErrors.filter(error => error.message.length <= 10)).toEqual([]);
    expect(await counts()).toEqual(before);
  });
});

describe('updateTraining', () => {
  test('a draft is edited in place: only the fields given change; its slug may still change', async () => {
    const draft = await createDraft(api, editor.token, { content: 'Avant', durationMinutes: 60 });
    const updated = await updateTraining(api, editor.token, draft.id, { summary: 'Nouveau résumé', content: null, slug: 'nouveau-slug-brouillon' });
    expect(updated.userErrors).toEqual([]);
    expect(updated.training).toMatchObject({ slug: 'nouveau-slug-brouillon', status: 'DRAFT', pendingRevision: null });
    const [row] = await api.sql(`SELECT summary, content, duration_minutes FROM training WHERE slug = 'nouveau-slug-brouillon'`);
    expect(row).toEqual({ summary: 'Nouveau résumé', content: null, duration_minutes: 60 });
  });

  test.each([
    ['a required field cleared', { title: null }, 'VALIDATION', ['input', 'title']],
    ['an unknown licence', { licence: 'WTFPL' }, 'NOT_FOUND', ['input', 'licence']],
    ['a slug taken', { slug: 'marches-publics-les-bases' }, 'VALIDATION', ['input', 'slug']],
  ])('refuses %s and writes nothing', async (_, input, code, field) => {
    const draft = await createDraft(api, editor.token);
    const [before] = await api.sql(`SELECT * FROM training WHERE slug = $1`, [draft.slug]);
    const updated = await updateTraining(api, editor.token, draft.id, input);
    expect(updated).toEqual({ training: null, userErrors: [expect.objectContaining({ code, field })] });
    expect((await api.sql(`SELECT * FROM training WHERE slug = $1`, [draft.slug]))[0]).toEqual(before);
  });

  test('a published training keeps its slug', async () => {
    const draft = await createDraft(api, editor.token);
    await publish(draft.id);
    const updated = await updateTraining(api, editor.token, draft.id, { slug: 'autre-slug' });
    expect(updated.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'slug'] })]);
    expect(await api.sql(`SELECT count(*)::int AS n FROM training_revision`)).toEqual([{ n: 0 }]);
  });

  test('on a published training, refusals write no revision either; its external reference stays', async () => {
    const draft = await createDraft(api, editor.token, { externalRef: 'REF-PUBLIEE' });
    await publish(draft.id);
    for (const [input, code, field] of [
      [{ licence: 'WTFPL' }, 'NOT_FOUND', ['input', 'licence']],
      [{ title: '' }, 'VALIDATION', ['input', 'title']],
      [{ externalRef: 'REF-NOUVELLE' }, 'VALIDATION', ['input', 'externalRef']],
    ] as const) {
      expect((await updateTraining(api, editor.token, draft.id, input)).userErrors).toEqual([expect.objectContaining({ code, field })]);
    }
    expect(await api.sql(`SELECT count(*)::int AS n FROM training_revision`)).toEqual([{ n: 0 }]);
  });

  test('changes to a live training sent at once land in one pending revision', async () => {
    const draft = await createDraft(api, editor.token);
    await publish(draft.id);
    const results = await Promise.all(['Un', 'Deux', 'Trois', 'Quatre'].map(word => updateTraining(api, editor.token, draft.id, { summary: `Résumé ${word}` })));
    expect(results.map(result => result.userErrors)).toEqual(results.map(() => []));
    const local = localId(draft.id);
    const revisions = await api.sql<{ status: string; summary: string }>(`SELECT status, summary FROM training_revision WHERE training_id = $1`, [local]);
    expect(revisions).toHaveLength(1);
    expect(revisions[0].summary).toMatch(/^Résumé (Un|Deux|Trois|Quatre)$/);
  });

  test('two mutations in one request: the second reads what the first wrote', async () => {
    const draft = await createDraft(api, editor.token);
    await publish(draft.id);
    const { body } = await api.gql(`mutation($id: ID!) {
      a: updateTraining(id: $id, input: { title: "Révision AAA" }) { training { pendingRevision { title } } }
      b: updateTraining(id: $id, input: { title: "Révision BBB" }) { training { pendingRevision { title } } } }`, { id: draft.id }, bearer(editor.token));
    expect(body.data).toEqual({ a: { training: { pendingRevision: { title: 'Révision AAA' } } }, b: { training: { pendingRevision: { title: 'Révision BBB' } } } });
  });

  test('unknown or malformed ids are NOT_FOUND; another partner’s draft is NOT_FOUND too, its published training FORBIDDEN', async () => {
    const draft = await createDraft(api, editor.token);
    const published = await createDraft(api, editor.token);
    await publish(published.id);
    for (const id of ['nope', 'VHJhaW5pbmc6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw']) {
      expect((await updateTraining(api, editor.token, id, { title: 'Nouveau titre' })).userErrors).toEqual([
        expect.objectContaining({ code: 'NOT_FOUND', field: ['id'] }),
      ]);
    }
    expect((await updateTraining(api, otherEditor.token, draft.id, { title: 'Nouveau titre' })).userErrors[0]?.code).toBe('NOT_FOUND');
    const { body } = await api.gql(`mutation($id: ID!) { updateTraining(id: $id, input: { title: "Nouveau titre" }) { userErrors { code } } }`, { id: published.id }, bearer(otherEditor.token));
    expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('sessions', () => {
  const UPDATE_SESSION = `mutation($id: ID!, $input: SessionUpdateInput!) { updateSession(id: $id, input: $input) {
    session { ${SESSION_FIELDS} } userErrors { field code message } } }`;
  const CANCEL_SESSION = `mutation($id: ID!) { cancelSession(id: $id) { session { id cancelled cancelledAt } userErrors { field code message } } }`;
  const updateSession = async (id: string, input: Record<string, unknown>) =>
    (await api.data<{ updateSession: SessionPayload }>(UPDATE_SESSION, { id, input }, bearer(editor.token))).updateSession;
  const cancelSession = (id: string, token = editor.token) =>
    api.gql<{ cancelSession: { session: { id: string; cancelled: boolean; cancelledAt: string | null } | null; userErrors: UserErrorView[] } }>(CANCEL_SESSION, { id }, bearer(token));

  /** A session of 3 seats (unless `input` says otherwise) in 10 days. */
  async function newSession(trainingId: string, input: Record<string, unknown> = {}): Promise<SessionView> {
    const payload = await tryCreateSession(api, editor.token, trainingId, { capacity: 3, ...input });
    expect(payload.userErrors).toEqual([]);
    return payload.session!;
  }

  /** Agents in the session, as the enrolment operations will write them. */
  async function enrolments(sessionId: string, confirmed: number, waitlisted: number): Promise<void> {
    const local = localId(sessionId);
    await api.sql(
      `INSERT INTO user_account (email, password_hash, display_name)
       SELECT 'agent' || n || '-' || $1 || '@agriculture.gouv.fr', 'x', 'Agent ' || n FROM generate_series(1, $2::int + $3::int) AS n`,
      [local, confirmed, waitlisted],
    );
    await api.sql(
      `INSERT INTO enrolment (user_id, session_id, status, waitlist_position, enrolled_at)
       SELECT u.id, $1::uuid, CASE WHEN n <= $2 THEN 'CONFIRMED' ELSE 'WAITLISTED' END::enrolment_status_enum,
         CASE WHEN n <= $2 THEN NULL ELSE n - $2 END, now() + make_interval(secs => n)
       FROM generate_series(1, $2::int + $3::int) AS n JOIN user_account u ON u.email = 'agent' || n || '-' || $1 || '@agriculture.gouv.fr'`,
      [local, confirmed, waitlisted],
    );
  }

  test('a session on a draft: enrolment opens now and closes when the session starts by default', async () => {
    const draft = await createDraft(api, editor.token);
    const before = Date.now();
    const session = await newSession(draft.id, { location: ' Paris ' });
    expect(session).toMatchObject({ capacity: 3, location: 'Paris', cancelled: false, seatsTaken: 0, seatsLeft: 3, waitlistLength: 0 });
    expect(session.enrolmentClosesAt).toBe(session.startsAt);
    expect(Math.abs(Date.parse(session.enrolmentOpensAt) - before)).toBeLessThan(60_000);
    // Hidden with its draft.
    expect((await api.data<{ node: object | null }>(`query($id: ID!) { node(id: $id) { id } }`, { id: session.id })).node).toBeNull();
  });

  test.each([
    ['an end before the start', { endsAt: day(9) }, ['input', 'endsAt']],
    ['enrolment closing after the end', { enrolmentClosesAt: day(12) }, ['input', 'enrolmentClosesAt']],
    ['enrolment opening after it closes', { enrolmentOpensAt: day(10.5), enrolmentClosesAt: day(10.2) }, ['input', 'enrolmentOpensAt']],
    ['no seat', { capacity: 0 }, ['input', 'capacity']],
  ])('refuses %s and writes nothing', async (_, input, field) => {
    const draft = await createDraft(api, editor.token);
    const before = await counts();
    expect(await tryCreateSession(api, editor.token, draft.id, input)).toEqual({ session: null, userErrors: [expect.objectContaining({ code: 'VALIDATION', field })] });
    expect(await counts()).toEqual(before);
  });

  test.each([
    ['an end before the start', { endsAt: day(9) }, ['input', 'endsAt']],
    ['no seat', { capacity: 0 }, ['input', 'capacity']],
    ['a cleared start', { startsAt: null }, ['input', 'startsAt']],
  ])('updateSession refuses %s and writes nothing', async (_, input, field) => {
    const draft = await createDraft(api, editor.token);
    const session = await newSession(draft.id);
    const local = localId(session.id);
    const [before] = await api.sql(`SELECT * FROM training_session WHERE id = $1`, [local]);
    expect(await updateSession(session.id, input)).toEqual({ session: null, userErrors: [expect.objectContaining({ code: 'VALIDATION', field })] });
    expect((await api.sql(`SELECT * FROM training_session WHERE id = $1`, [local]))[0]).toEqual(before);
  });

  test('capacity cannot go below the seats taken; added seats go to the agents waiting, in order', async () => {
    const draft = await createDraft(api, editor.token);
    const session = await newSession(draft.id, { capacity: 3 });
    await enrolments(session.id, 3, 3);
    const lowered = await updateSession(session.id, { capacity: 2 });
    expect(lowered.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'capacity'] })]);

    const raised = await updateSession(session.id, { capacity: 4 });
    expect(raised).toEqual({ session: { ...session, capacity: 4, seatsTaken: 4, seatsLeft: 0, waitlistLength: 2 }, userErrors: [] });
    const line = await api.sql<{ name: string; status: string; position: number | null }>(`SELECT u.display_name AS name, e.status, e.waitlist_position AS position
      FROM enrolment e JOIN user_account u ON u.id = e.user_id WHERE e.session_id = $1 ORDER BY e.enrolled_at`, [localId(session.id)]);
    expect(line.map(row => [row.name, row.status, row.position])).toEqual([
      ['Agent 1', 'CONFIRMED', null],
      ['Agent 2', 'CONFIRMED', null],
      ['Agent 3', 'CONFIRMED', null],
      ['Agent 4', 'CONFIRMED', null],
      ['Agent 5', 'WAITLISTED', 1],
      ['Agent 6', 'WAITLISTED', 2],
    ]);
    const unlimited = await updateSession(session.id, { capacity: null });
    expect(unlimited.session).toMatchObject({ capacity: null, seatsTaken: 6, seatsLeft: null, waitlistLength: 0 });
  });

  test('cancelling a session cancels its active enrolments, once; a cancelled session no longer changes', async () => {
    const draft = await createDraft(api, editor.token);
    const session = await newSession(draft.id, { capacity: 2 });
    await enrolments(session.id, 2, 1);
    const cancelled = await cancelSession(session.id);
    expect(cancelled.body.data?.cancelSession.session).toMatchObject({ cancelled: true, cancelledAt: expect.any(String) });
    const local = localId(session.id);
    expect(await api.sql(`SELECT status, waitlist_position FROM enrolment WHERE session_id = $1`, [local])).toEqual(
      Array(3).fill({ status: 'CANCELLED', waitlist_position: null }),
    );
    const [audit] = await api.sql(`SELECT details FROM audit_entry WHERE action = 'SESSION_CANCELLED' AND target = $1`, [session.id]);
    expect(audit.details).toEqual({ cancelledEnrolments: 3 });
    expect((await cancelSession(session.id)).body.data?.cancelSession.userErrors[0]?.code).toBe('INVALID_TRANSITION');
    expect((await updateSession(session.id, { capacity: 5 })).userErrors[0]?.code).toBe('INVALID_TRANSITION');
  });

  test('sessions of a published training change without review; of an archived one, not at all', async () => {
    const draft = await createDraft(api, editor.token);
    await publish(draft.id);
    const session = await newSession(draft.id);
    const moved = await updateSession(session.id, { capacity: 10 });
    expect(moved.session?.capacity).toBe(10);
    expect((await archive(api, editor.token, draft.id)).training?.status).toBe('ARCHIVED');
    expect((await tryCreateSession(api, editor.token, draft.id)).userErrors[0]?.code).toBe('INVALID_TRANSITION');
  });

  test.each([
    ['SUBMITTED', true],
    ['CHANGES_REQUESTED', true],
    ['REJECTED', false],
  ])('sessions of a %s training may change: %p', async (status, allowed) => {
    const draft = await createDraft(api, editor.token);
    expect((await submit(api, editor.token, draft.id)).userErrors).toEqual([]);
    if (status !== 'SUBMITTED') {
      const decision = status === 'REJECTED' ? 'REJECT' : 'REQUEST_CHANGES';
      expect((await review(api, editorial.token, draft.id, 'EDITORIAL', decision, 'Motif.')).training?.status).toBe(status);
    }
    expect((await tryCreateSession(api, editor.token, draft.id)).userErrors.map(error => error.code)).toEqual(allowed ? [] : ['INVALID_TRANSITION']);
  });

  test('moving a session moves an enrolment deadline left at its default; a past start needs an explicit window', async () => {
    const draft = await createDraft(api, editor.token);
    const session = await newSession(draft.id);
    const moved = await updateSession(session.id, { startsAt: day(20), endsAt: day(21) });
    const { startsAt, enrolmentClosesAt } = moved.session!;
    expect(enrolmentClosesAt).toBe(startsAt);
    const past = await tryCreateSession(api, editor.token, draft.id, { startsAt: day(-1), endsAt: day(1) });
    expect(past.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'startsAt'] })]);
    const explicit = await tryCreateSession(api, editor.token, draft.id, { startsAt: day(-1), endsAt: day(1), enrolmentOpensAt: day(-3), enrolmentClosesAt: day(-1) });
    expect(explicit.userErrors).toEqual([]);
  });

  test('an editor of another partner cannot touch the sessions', async () => {
    const draft = await createDraft(api, editor.token);
    await publish(draft.id);
    const session = await newSession(draft.id);
    const { body } = await cancelSession(session.id, otherEditor.token);
    expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await api.data<{ node: { cancelled: boolean } | null }>(`query($id: ID!) { node(id: $id) { ... on TrainingSession { cancelled } } }`, { id: session.id })).node).toEqual({
      cancelled: false,
    });
  });
});
