import { archive, createDraft, editorialTeam, review, sendReview, submit, TRAINING_FIELDS, updateTraining, type Committee, type Decision, type RevisionView, type TrainingView } from '../support/editorial';
import { ADMIN_ENV, bearer, person, type Person } from '../support/people';
import { nodeIds, startTestApp, type Edges, type PageInfo, type TestApp, type UserErrorView } from '../support/test-app';

let api: TestApp;
let admin: Person;
let editor: Person;
let editorial: Person;
let technical: Person;
/** A member of the editorial committee who also edits for `maa`. */
let editorialEditor: Person;

beforeAll(async () => {
  api = await startTestApp(ADMIN_ENV);
  ({ admin, editor, editorial, technical } = await editorialTeam(api));
  editorialEditor = await person(api, admin.token, 'double.casquette@agriculture.gouv.fr', [['EDITORIAL_COMMITTEE'], ['EDITOR', 'maa']]);
});
afterAll(() => api.stop());

const approveBoth = async (id: string) => {
  expect((await review(api, editorial.token, id, 'EDITORIAL', 'APPROVE')).userErrors).toEqual([]);
  return review(api, technical.token, id, 'TECHNICAL', 'APPROVE');
};

const STATE = `query($id: ID!) { node(id: $id) { ... on Training { ${TRAINING_FIELDS}
  pendingRevision { id status title changedFields submittedAt training { id } }
  reviews { committee decision comment onRevision reviewerName } } } }`;
interface TrainingState extends TrainingView {
  pendingRevision: (RevisionView & { submittedAt: string | null; training: { id: string } }) | null;
  reviews: { committee: Committee; decision: Decision; comment: string | null; onRevision: boolean; reviewerName: string | null }[];
}
/** The training as its editor (or `token`) sees it: null when hidden. */
const state = async (id: string, token = editor.token) => (await api.data<{ node: TrainingState | null }>(STATE, { id }, bearer(token))).node;

type Setup = (id: string) => Promise<void>;
type Payload = { userErrors: UserErrorView[] };
const ok = (payload: Payload) => expect(payload.userErrors).toEqual([]);

/** Every state a training can be in, reached through the API. */
const SETUPS: Record<string, Setup> = {
  DRAFT: async () => undefined,
  SUBMITTED: async id => ok(await submit(api, editor.token, id)),
  CHANGES_REQUESTED: async id => {
    ok(await submit(api, editor.token, id));
    ok(await review(api, technical.token, id, 'TECHNICAL', 'REQUEST_CHANGES', 'Précisez les objectifs.'));
  },
  REJECTED: async id => {
    ok(await submit(api, editor.token, id));
    ok(await review(api, editorial.token, id, 'EDITORIAL', 'REJECT', 'Hors du périmètre de Mentor.'));
  },
  PUBLISHED: async id => {
    ok(await submit(api, editor.token, id));
    ok(await approveBoth(id));
  },
  'PUBLISHED with a draft revision': async id => {
    await SETUPS.PUBLISHED(id);
    ok(await updateTraining(api, editor.token, id, { title: 'Titre révisé' }));
  },
  'PUBLISHED with a submitted revision': async id => {
    await SETUPS['PUBLISHED with a draft revision'](id);
    ok(await submit(api, editor.token, id));
  },
  'PUBLISHED with a revision sent back': async id => {
    await SETUPS['PUBLISHED with a submitted revision'](id);
    ok(await review(api, technical.token, id, 'TECHNICAL', 'REQUEST_CHANGES', 'Précisez.'));
  },
  'SUBMITTED, approved by the editorial committee': async id => {
    ok(await submit(api, editor.token, id));
    ok(await review(api, editorial.token, id, 'EDITORIAL', 'APPROVE'));
  },
  ARCHIVED: async id => {
    await SETUPS.PUBLISHED(id);
    ok(await archive(api, editor.token, id));
  },
};

type Operation = (id: string) => Promise<Payload>;
const decide = (committee: Committee, decision: Decision): Operation => id =>
  review(api, committee === 'EDITORIAL' ? editorial.token : technical.token, id, committee, decision, decision === 'APPROVE' ? undefined : 'Motif.');
const OPERATIONS: Record<string, Operation> = {
  submit: id => submit(api, editor.token, id),
  'editorial APPROVE': decide('EDITORIAL', 'APPROVE'),
  'technical APPROVE': decide('TECHNICAL', 'APPROVE'),
  'editorial REQUEST_CHANGES': decide('EDITORIAL', 'REQUEST_CHANGES'),
  'technical REQUEST_CHANGES': decide('TECHNICAL', 'REQUEST_CHANGES'),
  'editorial REJECT': decide('EDITORIAL', 'REJECT'),
  'technical REJECT': decide('TECHNICAL', 'REJECT'),
  update: id => updateTraining(api, editor.token, id, { summary: 'Résumé modifié' }),
  archive: id => archive(api, editor.token, id),
};

const REFUSED = 'INVALID_TRANSITION';
type Outcome = [status: string, revision: string | null];
/** Per state, the operations allowed and what they lead to ([training status, pending revision status]); every other one is refused. */
const ALLOWED: Record<string, Record<string, Outcome>> = {
  DRAFT: { submit: ['SUBMITTED', null], update: ['DRAFT', null] },
  SUBMITTED: {
    'editorial APPROVE': ['SUBMITTED', null],
    'technical APPROVE': ['SUBMITTED', null],
    'editorial REQUEST_CHANGES': ['CHANGES_REQUESTED', null],
    'technical REQUEST_CHANGES': ['CHANGES_REQUESTED', null],
    'editorial REJECT': ['REJECTED', null],
    'technical REJECT': ['REJECTED', null],
  },
  // The editorial committee has spoken on this version: only the technical one may still.
  'SUBMITTED, approved by the editorial committee': {
    'technical APPROVE': ['PUBLISHED', null],
    'technical REQUEST_CHANGES': ['CHANGES_REQUESTED', null],
    'technical REJECT': ['REJECTED', null],
  },
  CHANGES_REQUESTED: { submit: ['SUBMITTED', null], update: ['CHANGES_REQUESTED', null] },
  REJECTED: {},
  PUBLISHED: { update: ['PUBLISHED', 'DRAFT'], archive: ['ARCHIVED', null] },
  'PUBLISHED with a draft revision': { submit: ['PUBLISHED', 'SUBMITTED'], update: ['PUBLISHED', 'DRAFT'], archive: ['ARCHIVED', null] },
  'PUBLISHED with a submitted revision': {
    'editorial APPROVE': ['PUBLISHED', 'SUBMITTED'],
    'technical APPROVE': ['PUBLISHED', 'SUBMITTED'],
    'editorial REQUEST_CHANGES': ['PUBLISHED', 'CHANGES_REQUESTED'],
    'technical REQUEST_CHANGES': ['PUBLISHED', 'CHANGES_REQUESTED'],
    // A rejected revision is closed; the live version stays.
    'editorial REJECT': ['PUBLISHED', null],
    'technical REJECT': ['PUBLISHED', null],
    archive: ['ARCHIVED', null],
  },
  'PUBLISHED with a revision sent back': { submit: ['PUBLISHED', 'SUBMITTED'], update: ['PUBLISHED', 'CHANGES_REQUESTED'], archive: ['ARCHIVED', null] },
  ARCHIVED: {},
};
const CASES = Object.entries(ALLOWED).flatMap(([from, allowed]) =>
  Object.keys(OPERATIONS).map(operation => [from, operation, (allowed[operation] ?? REFUSED) as Outcome | typeof REFUSED] as const),
);

describe('the state machine', () => {
  // Each case works on its own training: they run side by side.
  test.concurrent.each(CASES)('%s, %s → %p', async (from, operation, outcome) => {
    const { id } = await createDraft(api, editor.token);
    await SETUPS[from](id);
    const before = await state(id);
    const payload = await OPERATIONS[operation](id);
    const after = await state(id);
    if (outcome === REFUSED) {
      expect(payload.userErrors).toEqual([expect.objectContaining({ code: REFUSED })]);
      expect(payload.userErrors[0].message.length).toBeGreaterThan(10);
      expect(after).toEqual(before);
    } else {
      expect(payload.userErrors).toEqual([]);
      expect([after?.status, after?.pendingRevision?.status ?? null]).toEqual(outcome);
    }
  });
});

describe('publication', () => {
  test('needs both committees on the same submission; the first approval publishes nothing', async () => {
    const { id, slug } = await createDraft(api, editor.token);
    ok(await submit(api, editor.token, id));
    const first = await review(api, editorial.token, id, 'EDITORIAL', 'APPROVE');
    expect(first).toMatchObject({ review: { committee: 'EDITORIAL', decision: 'APPROVE', reviewer: { displayName: 'comite.editorial' } }, training: { status: 'SUBMITTED', publishedAt: null } });
    expect((await api.data<{ training: { id: string } | null }>(`query($slug: String!) { training(slug: $slug) { id } }`, { slug })).training).toBeNull();
    const again = await review(api, editorial.token, id, 'EDITORIAL', 'APPROVE');
    expect(again.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_TRANSITION' })]);

    const second = await review(api, technical.token, id, 'TECHNICAL', 'APPROVE');
    expect(second.training).toMatchObject({ status: 'PUBLISHED', publishedAt: expect.any(String) });
    expect((await api.data<{ training: { id: string; status: string } | null }>(`query($slug: String!) { training(slug: $slug) { id status } }`, { slug })).training).toEqual({
      id,
      status: 'PUBLISHED',
    });
    const audit = await api.sql(`SELECT actor, details FROM audit_entry WHERE action = 'TRAINING_PUBLISHED' AND target = $1`, [id]);
    expect(audit).toEqual([{ actor: technical.id, details: { submission: 1, slug } }]);
  });

  test('a resubmission needs fresh approvals: an approval of an earlier version does not count', async () => {
    const { id } = await createDraft(api, editor.token);
    ok(await submit(api, editor.token, id));
    ok(await review(api, editorial.token, id, 'EDITORIAL', 'APPROVE'));
    ok(await review(api, technical.token, id, 'TECHNICAL', 'REQUEST_CHANGES', 'Ajoutez la durée.'));
    ok(await updateTraining(api, editor.token, id, { durationMinutes: 120 }));
    ok(await submit(api, editor.token, id));
    expect((await review(api, technical.token, id, 'TECHNICAL', 'APPROVE')).training?.status).toBe('SUBMITTED');
    expect((await review(api, editorial.token, id, 'EDITORIAL', 'APPROVE')).training?.status).toBe('PUBLISHED');
    expect((await state(id))?.reviews.map(r => [r.committee, r.decision])).toEqual([
      ['EDITORIAL', 'APPROVE'],
      ['TECHNICAL', 'REQUEST_CHANGES'],
      ['TECHNICAL', 'APPROVE'],
      ['EDITORIAL', 'APPROVE'],
    ]);
  });

  test('the two committees approving at once publish exactly once', async () => {
    const drafts = await Promise.all(Array.from({ length: 8 }, () => createDraft(api, editor.token)));
    for (const { id } of drafts) ok(await submit(api, editor.token, id));
    const decisions = await Promise.all(
      drafts.flatMap(({ id }) => [review(api, editorial.token, id, 'EDITORIAL', 'APPROVE'), review(api, technical.token, id, 'TECHNICAL', 'APPROVE')]),
    );
    expect(decisions.map(decision => decision.userErrors)).toEqual(decisions.map(() => []));
    for (const { id } of drafts) {
      expect((await state(id))?.status).toBe('PUBLISHED');
      const [{ published }] = await api.sql(`SELECT count(*)::int AS published FROM audit_entry WHERE action = 'TRAINING_PUBLISHED' AND target = $1`, [id]);
      expect(published).toBe(1);
    }
  });

  test.each<[Decision, string | undefined]>([
    ['REQUEST_CHANGES', undefined],
    ['REJECT', '   '],
    ['APPROVE', 'x'.repeat(5001)],
  ])('%s with comment %p is refused, and writes nothing', async (decision, comment) => {
    const { id } = await createDraft(api, editor.token);
    ok(await submit(api, editor.token, id));
    const payload = await review(api, technical.token, id, 'TECHNICAL', decision, comment);
    expect(payload).toEqual({ review: null, training: null, userErrors: [expect.objectContaining({ code: 'VALIDATION', field: ['input', 'comment'] })] });
    expect(await state(id)).toMatchObject({ status: 'SUBMITTED', reviews: [] });
  });

  test('a reviewer speaks only for a committee they sit on, and never on their own partner’s trainings', async () => {
    const { id } = await createDraft(api, editor.token);
    ok(await submit(api, editor.token, id));
    const asTechnical = await sendReview(api, editorial.token, id, 'TECHNICAL', 'APPROVE');
    expect(asTechnical.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const ownPartner = await sendReview(api, editorialEditor.token, id, 'EDITORIAL', 'APPROVE');
    expect(ownPartner.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // An admin may edit every partner's trainings: they review none.
    const adminReviewer = await person(api, admin.token, 'admin.comite@numerique.gouv.fr', [['ADMIN'], ['EDITORIAL_COMMITTEE']]);
    const asAdmin = await sendReview(api, adminReviewer.token, id, 'EDITORIAL', 'APPROVE');
    expect(asAdmin.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await state(id))?.reviews).toEqual([]);
  });

  test('one person sitting on both committees decides for one of them per version', async () => {
    const both = await person(api, admin.token, 'deux.comites@numerique.gouv.fr', [['EDITORIAL_COMMITTEE'], ['TECHNICAL_COMMITTEE']]);
    const { id } = await createDraft(api, editor.token);
    ok(await submit(api, editor.token, id));
    ok(await review(api, both.token, id, 'EDITORIAL', 'APPROVE'));
    const { body } = await sendReview(api, both.token, id, 'TECHNICAL', 'APPROVE');
    expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await state(id))?.status).toBe('SUBMITTED');
    expect((await review(api, technical.token, id, 'TECHNICAL', 'APPROVE')).training?.status).toBe('PUBLISHED');
  });
});

describe('revisions of a live training', () => {
  test('never take it offline, and replace it only once both committees approve', async () => {
    const { id, slug } = await createDraft(api, editor.token, { title: 'Titre en ligne', keywords: ['avant'] });
    await SETUPS.PUBLISHED(id);
    const publicView = async () =>
      (await api.data<{ training: object | null }>(`query($slug: String!) { training(slug: $slug) { title keywords status pendingRevision { id } reviews { decision } } }`, { slug })).training;
    const timestamps = async () =>
      (await api.data<{ training: { updatedAt: string; submittedAt: string | null } | null }>(`query($slug: String!) { training(slug: $slug) { updatedAt submittedAt } }`, { slug })).training;
    const published = await timestamps();
    expect(published?.submittedAt).toBeNull();

    const updated = await updateTraining(api, editor.token, id, { title: 'Titre révisé', keywords: ['après'] });
    expect(updated.training).toMatchObject({ title: 'Titre en ligne', status: 'PUBLISHED', pendingRevision: { title: 'Titre révisé', status: 'DRAFT' } });
    expect(updated.training?.pendingRevision?.changedFields.sort()).toEqual(['keywords', 'title']);
    // Anonymous visitors see the live version, and nothing of the review.
    expect(await publicView()).toEqual({ title: 'Titre en ligne', keywords: ['avant'], status: 'PUBLISHED', pendingRevision: null, reviews: [] });
    const search = async () =>
      nodeIds((await api.data<{ trainings: Edges<{ id: string }> }>(`{ trainings(search: "Titre révisé") { edges { node { id } } } }`)).trainings);

    ok(await submit(api, editor.token, id));
    expect(await publicView()).toMatchObject({ title: 'Titre en ligne', status: 'PUBLISHED' });
    // Nothing tells an anonymous visitor that a revision is under review.
    expect(await timestamps()).toEqual(published);
    expect((await state(id))?.submittedAt).toEqual(expect.any(String));
    const queue = async (committee: Committee, token: string) =>
      nodeIds((await api.data<{ reviewQueue: Edges<{ id: string }> }>(`query($c: Committee!) { reviewQueue(committee: $c, first: 100) { edges { node { id } } } }`,
        { c: committee }, bearer(token))).reviewQueue);
    expect(await queue('EDITORIAL', editorial.token)).toContain(id);
    const first = await review(api, editorial.token, id, 'EDITORIAL', 'APPROVE');
    expect(first.review?.onRevision).toBe(true);
    expect(await publicView()).toMatchObject({ title: 'Titre en ligne' });
    expect(await queue('EDITORIAL', editorial.token)).not.toContain(id);
    expect(await queue('TECHNICAL', technical.token)).toContain(id);
    expect(await search()).not.toContain(id);

    const second = await review(api, technical.token, id, 'TECHNICAL', 'APPROVE');
    expect(second.training).toMatchObject({ title: 'Titre révisé', status: 'PUBLISHED', slug });
    expect(await publicView()).toMatchObject({ title: 'Titre révisé', keywords: ['après'] });
    expect(await search()).toContain(id);
    expect((await state(id))?.pendingRevision).toBeNull();
    const [audit] = await api.sql(`SELECT details FROM audit_entry WHERE action = 'REVISION_PUBLISHED' AND target = $1`, [id]);
    expect(audit.details.submission).toBe(2);
  });

  test('a rejected revision leaves the live version as it was; the next change starts a fresh revision', async () => {
    const { id, slug } = await createDraft(api, editor.token, { title: 'Version stable' });
    await SETUPS.PUBLISHED(id);
    ok(await updateTraining(api, editor.token, id, { title: 'Version refusée' }));
    ok(await submit(api, editor.token, id));
    ok(await review(api, editorial.token, id, 'EDITORIAL', 'REJECT', 'Non.'));
    expect((await api.data<{ training: object | null }>(`query($slug: String!) { training(slug: $slug) { title status } }`, { slug })).training).toEqual({
      title: 'Version stable',
      status: 'PUBLISHED',
    });
    const next = await updateTraining(api, editor.token, id, { summary: 'Autre résumé' });
    expect(next.training?.pendingRevision).toMatchObject({ status: 'DRAFT', title: 'Version stable', changedFields: ['summary'] });
  });
});

describe('the review queue', () => {
  test('lists submitted versions waiting for that committee, oldest submission first, page by page', async () => {
    const waiting: string[] = [];
    for (let n = 0; n < 3; n += 1) {
      const { id } = await createDraft(api, editor.token);
      ok(await submit(api, editor.token, id));
      waiting.push(id);
    }
    ok(await review(api, technical.token, waiting[1], 'TECHNICAL', 'APPROVE'));
    type Queue = Edges<{ id: string; status: string }> & { totalCount: number; pageInfo: PageInfo };
    const read = async (committee: Committee, after?: string | null) =>
      (await api.data<{ reviewQueue: Queue }>(`query($c: Committee!, $after: String) { reviewQueue(committee: $c, first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id status } } } }`, { c: committee, after }, bearer(admin.token))).reviewQueue;
    const all = async (committee: Committee) => {
      const ids: string[] = [];
      let page = await read(committee);
      const total = page.totalCount;
      ids.push(...nodeIds(page));
      while (page.pageInfo.hasNextPage) {
        page = await read(committee, page.pageInfo.endCursor);
        ids.push(...nodeIds(page));
      }
      expect(ids).toHaveLength(total);
      return ids;
    };
    const editorialQueue = await all('EDITORIAL');
    const technicalQueue = await all('TECHNICAL');
    expect(editorialQueue.filter(id => waiting.includes(id))).toEqual(waiting);
    expect(technicalQueue.filter(id => waiting.includes(id))).toEqual([waiting[0], waiting[2]]);
    const [{ submitted }] = await api.sql(`SELECT count(*)::int AS submitted FROM training t WHERE t.status = 'SUBMITTED'
      OR EXISTS (SELECT 1 FROM training_revision v WHERE v.training_id = t.id AND v.status = 'SUBMITTED')`);
    expect(editorialQueue.length).toBeLessThanOrEqual(submitted);
  });
});
