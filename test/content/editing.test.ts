import {
  createFaq,
  createTour,
  deleteFaq,
  deleteTour,
  gapsOrDuplicates,
  readFaq,
  readTour,
  upsertFaq,
  upsertTour,
  type FaqEntryView,
  type TourStepView,
} from '../support/content';
import { ADMIN, ADMIN_ENV, login, person, type Person } from '../support/people';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The FAQ and the guided tour, edited by the editorial committee and admins: positions stay 1..n
 * within each scope (FAQ category, tour page) after every create, move, scope change and delete;
 * the public lists show each change at once, cache or not; every change is audited.
 */
let api: TestApp;
let admin: Person;
let editorial: Person;

beforeAll(async () => {
  api = await startTestApp(ADMIN_ENV);
  admin = await login(api, ADMIN.email, ADMIN.password);
  editorial = await person(api, admin.token, 'redaction@numerique.gouv.fr', [['EDITORIAL_COMMITTEE']]);
});
afterAll(() => api.stop());
afterEach(async () => expect(await gapsOrDuplicates(api)).toEqual([]));

const questions = (entries: FaqEntryView[]) => entries.map(entry => [entry.question, entry.position]);
const titles = (steps: TourStepView[]) => steps.map(step => [step.title, step.position]);

async function auditOf(target: string): Promise<{ action: string; actor: string; details: Record<string, unknown> }[]> {
  return api.sql(`SELECT action, actor, details FROM audit_entry WHERE target = $1 ORDER BY created_at, action`, [target]);
}

describe('FAQ positions, per category', () => {
  test('created at the end, inserted in the middle, clamped when out of range', async () => {
    const one = await createFaq(api, editorial.token, { question: 'Un ?', category: 'Essais A' });
    await createFaq(api, editorial.token, { question: 'Deux ?', category: 'Essais A' });
    expect(questions(await readFaq(api, 'Essais A'))).toEqual([['Un ?', 1], ['Deux ?', 2]]);

    const middle = await createFaq(api, editorial.token, { question: 'Milieu ?', category: 'Essais A', position: 2 });
    expect(middle.position).toBe(2);
    expect(questions(await readFaq(api, 'Essais A'))).toEqual([['Un ?', 1], ['Milieu ?', 2], ['Deux ?', 3]]);

    await createFaq(api, editorial.token, { question: 'Tout début ?', category: 'Essais A', position: -5 });
    await createFaq(api, editorial.token, { question: 'Tout au bout ?', category: 'Essais A', position: 999 });
    expect(questions(await readFaq(api, 'Essais A'))).toEqual([
      ['Tout début ?', 1], ['Un ?', 2], ['Milieu ?', 3], ['Deux ?', 4], ['Tout au bout ?', 5],
    ]);
    expect(one.category).toBe('Essais A');
  });

  test('moved up and down within the category; the others shift by one', async () => {
    const made: FaqEntryView[] = [];
    for (const question of ['A ?', 'B ?', 'C ?', 'D ?']) made.push(await createFaq(api, editorial.token, { question, category: 'Essais B' }));

    const up = await upsertFaq(api, editorial.token, { id: made[3].id, question: 'D ?', answer: 'Une réponse.', position: 2 });
    expect(up.userErrors).toEqual([]);
    expect(up.faqEntry).toMatchObject({ position: 2, category: 'Essais B' });
    expect(questions(await readFaq(api, 'Essais B'))).toEqual([['A ?', 1], ['D ?', 2], ['B ?', 3], ['C ?', 4]]);

    await upsertFaq(api, editorial.token, { id: made[0].id, question: 'A ?', answer: 'Une réponse.', position: 3 });
    expect(questions(await readFaq(api, 'Essais B'))).toEqual([['D ?', 1], ['B ?', 2], ['A ?', 3], ['C ?', 4]]);

    // Past the end: last; absent: where it is (the text changes only).
    await upsertFaq(api, editorial.token, { id: made[3].id, question: 'D ?', answer: 'Une réponse.', position: 40 });
    const kept = await upsertFaq(api, editorial.token, { id: made[1].id, question: 'B, reformulée ?', answer: 'Autre réponse.' });
    expect(kept.faqEntry).toMatchObject({ question: 'B, reformulée ?', answer: 'Autre réponse.', category: 'Essais B', position: 1 });
    expect(questions(await readFaq(api, 'Essais B'))).toEqual([['B, reformulée ?', 1], ['A ?', 2], ['C ?', 3], ['D ?', 4]]);
  });

  test('a change of category closes the gap in the old one and inserts in the new one', async () => {
    const made: FaqEntryView[] = [];
    for (const question of ['P ?', 'Q ?', 'R ?']) made.push(await createFaq(api, editorial.token, { question, category: 'Essais C' }));
    for (const question of ['X ?', 'Y ?']) await createFaq(api, editorial.token, { question, category: 'Essais D' });

    await upsertFaq(api, editorial.token, { id: made[0].id, question: 'P ?', answer: 'Une réponse.', category: 'Essais D', position: 2 });
    expect(questions(await readFaq(api, 'Essais C'))).toEqual([['Q ?', 1], ['R ?', 2]]);
    expect(questions(await readFaq(api, 'Essais D'))).toEqual([['X ?', 1], ['P ?', 2], ['Y ?', 3]]);

    // Without a position: at the end of the new category.
    const moved = await upsertFaq(api, editorial.token, { id: made[1].id, question: 'Q ?', answer: 'Une réponse.', category: 'Essais D' });
    expect(moved.faqEntry).toMatchObject({ category: 'Essais D', position: 4 });
    expect(questions(await readFaq(api, 'Essais C'))).toEqual([['R ?', 1]]);
    expect(questions(await readFaq(api, 'Essais D'))).toEqual([['X ?', 1], ['P ?', 2], ['Y ?', 3], ['Q ?', 4]]);
  });

  test('a deletion closes the gap', async () => {
    const made: FaqEntryView[] = [];
    for (const question of ['1 ?', '2 ?', '3 ?', '4 ?']) made.push(await createFaq(api, admin.token, { question, category: 'Essais E' }));
    expect(await deleteFaq(api, admin.token, made[1].id)).toEqual({ deletedId: made[1].id, userErrors: [] });
    expect(questions(await readFaq(api, 'Essais E'))).toEqual([['1 ?', 1], ['3 ?', 2], ['4 ?', 3]]);
    await deleteFaq(api, admin.token, made[0].id);
    await deleteFaq(api, admin.token, made[3].id);
    expect(questions(await readFaq(api, 'Essais E'))).toEqual([['3 ?', 1]]);
    // Deleting it again: it is gone.
    expect((await deleteFaq(api, admin.token, made[0].id)).userErrors.map(error => error.code)).toEqual(['NOT_FOUND']);
  });

  test('texts are trimmed, inner spaces of a category collapsed; without a category, "Général"', async () => {
    const entry = await createFaq(api, editorial.token, { question: '  Espacée ?  ', answer: '\n Réponse **grasse**. \n', category: '  Vie   de l’agent ' });
    expect(entry).toMatchObject({ question: 'Espacée ?', answer: 'Réponse **grasse**.', category: 'Vie de l’agent', position: 1 });
    expect(questions(await readFaq(api, ' Vie de l’agent'))).toEqual([['Espacée ?', 1]]);
    const general = await upsertFaq(api, editorial.token, { question: 'Sans catégorie ?', answer: 'Oui.' });
    expect(general.faqEntry?.category).toBe('Général');
  });
});

describe('tour positions, per page', () => {
  test('create, insert, move, change page, delete', async () => {
    const a = await createTour(api, editorial.token, { title: 'A', page: '/essais/un' });
    const b = await createTour(api, editorial.token, { title: 'B', page: '/essais/un' });
    await createTour(api, editorial.token, { title: 'C', page: '/essais/un', position: 1 });
    expect(titles(await readTour(api, '/essais/un'))).toEqual([['C', 1], ['A', 2], ['B', 3]]);

    await upsertTour(api, editorial.token, { id: b.id, page: '/essais/un', target: '#essai', title: 'B', body: 'Un texte.', position: 1 });
    expect(titles(await readTour(api, '/essais/un'))).toEqual([['B', 1], ['C', 2], ['A', 3]]);

    await upsertTour(api, editorial.token, { id: b.id, page: '/essais/un', target: '#essai', title: 'B', body: 'Un texte.', position: 3 });
    expect(titles(await readTour(api, '/essais/un'))).toEqual([['C', 1], ['A', 2], ['B', 3]]);

    await createTour(api, editorial.token, { title: 'Z', page: '/essais/deux' });
    const moved = await upsertTour(api, editorial.token, { id: a.id, page: '/essais/deux', target: '[data-tour="a"]', title: 'A bis', body: 'Ailleurs.', position: 1 });
    expect(moved.tourStep).toMatchObject({ page: '/essais/deux', target: '[data-tour="a"]', title: 'A bis', body: 'Ailleurs.', position: 1 });
    expect(titles(await readTour(api, '/essais/un'))).toEqual([['C', 1], ['B', 2]]);
    expect(titles(await readTour(api, '/essais/deux'))).toEqual([['A bis', 1], ['Z', 2]]);

    expect((await deleteTour(api, admin.token, moved.tourStep!.id)).deletedId).toBe(a.id);
    expect(titles(await readTour(api, '/essais/deux'))).toEqual([['Z', 1]]);
  });
});

describe('reading, filtered or not', () => {
  test('faq(category) gives one category in order; faq() every category (French alphabetical order), then position', async () => {
    const compte = await readFaq(api, 'Compte');
    expect(compte.length).toBeGreaterThanOrEqual(2);
    expect(compte.map(entry => entry.category)).toEqual(compte.map(() => 'Compte'));
    expect(compte.map(entry => entry.position)).toEqual(compte.map((_, index) => index + 1));
    expect(await readFaq(api, 'Catégorie inconnue')).toEqual([]);

    await createFaq(api, editorial.token, { question: 'Éa ?', category: 'Écoles' });
    await createFaq(api, editorial.token, { question: 'Fa ?', category: 'Formations' });
    const all = await readFaq(api);
    const order = [...new Set(all.map(entry => entry.category))];
    expect(order).toEqual([...order].sort(new Intl.Collator('fr').compare));
    expect(order.indexOf('Écoles')).toBeLessThan(order.indexOf('Formations')); // not after "Z", as a byte order would put it
    for (const category of order) {
      const positions = all.filter(entry => entry.category === category).map(entry => entry.position);
      expect(positions).toEqual(positions.map((_, index) => index + 1));
    }
  });

  test('tour(page) gives one page in order; tour() every page, then position; demo steps have pages', async () => {
    const home = await readTour(api, '/');
    expect(home.map(step => step.target)).toEqual(['#catalogue-search', '#collections']);
    expect(home.map(step => step.position)).toEqual([1, 2]);
    expect(await readTour(api, '/nulle-part')).toEqual([]);
    const all = await readTour(api);
    const pages = all.map(step => step.page);
    expect(pages).toEqual([...pages].sort(new Intl.Collator('fr').compare));
    expect(all.every(step => step.page.startsWith('/'))).toBe(true);
  });
});

describe('audit trail', () => {
  test('creation, update, move, change of scope and deletion are each recorded, by whom, with what changed', async () => {
    const entry = await createFaq(api, editorial.token, { question: 'Audité ?', category: 'Essais F' });
    await createFaq(api, editorial.token, { question: 'Voisine ?', category: 'Essais F' });
    await upsertFaq(api, editorial.token, { id: entry.id, question: 'Audité, reformulée ?', answer: 'Une réponse.' });
    await upsertFaq(api, editorial.token, { id: entry.id, question: 'Audité, reformulée ?', answer: 'Une réponse.', position: 2 });
    await upsertFaq(api, editorial.token, { id: entry.id, question: 'Audité, reformulée ?', answer: 'Une réponse.', category: 'Essais G' });
    // The same content again is no change: nothing recorded.
    await upsertFaq(api, editorial.token, { id: entry.id, question: 'Audité, reformulée ?', answer: 'Une réponse.', category: 'Essais G', position: 1 });
    await deleteFaq(api, admin.token, entry.id);

    expect(await auditOf(entry.id)).toEqual([
      { action: 'FAQ_ENTRY_CREATED', actor: editorial.id, details: { category: 'Essais F', position: 1 } },
      {
        action: 'FAQ_ENTRY_UPDATED',
        actor: editorial.id,
        details: { changed: ['question'], before: { category: 'Essais F', position: 1 }, after: { category: 'Essais F', position: 1 } },
      },
      {
        action: 'FAQ_ENTRY_UPDATED',
        actor: editorial.id,
        details: { changed: ['position'], before: { category: 'Essais F', position: 1 }, after: { category: 'Essais F', position: 2 } },
      },
      {
        action: 'FAQ_ENTRY_UPDATED',
        actor: editorial.id,
        details: { changed: ['category', 'position'], before: { category: 'Essais F', position: 2 }, after: { category: 'Essais G', position: 1 } },
      },
      { action: 'FAQ_ENTRY_DELETED', actor: admin.id, details: { question: 'Audité, reformulée ?', category: 'Essais G', position: 1 } },
    ]);
  });

  test('tour steps too', async () => {
    const step = await createTour(api, admin.token, { title: 'Audité', page: '/essais/audit' });
    await upsertTour(api, admin.token, { id: step.id, page: '/essais/audit-2', target: '#autre', title: 'Audité', body: 'Un texte.' });
    await deleteTour(api, admin.token, step.id);
    expect(await auditOf(step.id)).toEqual([
      { action: 'TOUR_STEP_CREATED', actor: admin.id, details: { page: '/essais/audit', position: 1 } },
      {
        action: 'TOUR_STEP_UPDATED',
        actor: admin.id,
        details: { changed: ['target', 'page'], before: { page: '/essais/audit', position: 1 }, after: { page: '/essais/audit-2', position: 1 } },
      },
      { action: 'TOUR_STEP_DELETED', actor: admin.id, details: { title: 'Audité', page: '/essais/audit-2', position: 1 } },
    ]);
  });
});

describe('the public answer right after a change, response cache or not', () => {
  const FAQ_QUERY = '{ faq(category: "Cache") { question position } tour(page: "/cache") { title position } }';
  async function anonymous(): Promise<{ cache: string | null; data: { faq: { question: string }[]; tour: { title: string }[] } }> {
    const response = await api.gql(FAQ_QUERY);
    expect(response.body.errors).toBeUndefined();
    return { cache: response.headers.get('x-cache'), data: response.body.data };
  }

  test('anonymous readers see each create, update and delete at once', async () => {
    const cached = api.app.database.separateSessions;
    expect((await anonymous()).data).toEqual({ faq: [], tour: [] });
    expect((await anonymous()).cache).toBe(cached ? 'hit' : null);

    const entry = await createFaq(api, editorial.token, { question: 'En cache ?', category: 'Cache' });
    const step = await createTour(api, editorial.token, { title: 'Étape en cache', page: '/cache' });
    const afterCreate = await anonymous();
    expect(afterCreate.data).toEqual({ faq: [{ question: 'En cache ?', position: 1 }], tour: [{ title: 'Étape en cache', position: 1 }] });
    expect((await anonymous()).cache).toBe(cached ? 'hit' : null);

    await upsertFaq(api, editorial.token, { id: entry.id, question: 'Toujours en cache ?', answer: 'Non.' });
    expect((await anonymous()).data.faq).toEqual([{ question: 'Toujours en cache ?', position: 1 }]);

    await deleteFaq(api, editorial.token, entry.id);
    await deleteTour(api, editorial.token, step.id);
    expect((await anonymous()).data).toEqual({ faq: [], tour: [] });
  });
});

// Meaningful on a PostgreSQL server (sessions of their own, real lock waits); run on PGlite too, where the socket takes transactions in turn.
describe('writers racing in one scope', () => {
  test('creations, moves and deletions at once leave positions dense', async () => {
    const seeded: FaqEntryView[] = [];
    for (let i = 1; i <= 6; i++) seeded.push(await createFaq(api, editorial.token, { question: `Course ${i} ?`, category: 'Course' }));
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 8; i++) work.push(upsertFaq(api, editorial.token, { question: `Nouvelle ${i} ?`, answer: 'Oui.', category: 'Course', position: (i % 4) + 1 }));
    for (const [index, entry] of seeded.slice(0, 3).entries()) {
      work.push(upsertFaq(api, editorial.token, { id: entry.id, question: entry.question, answer: 'Oui.', position: 6 - index }));
    }
    work.push(deleteFaq(api, admin.token, seeded[4].id));
    work.push(upsertFaq(api, admin.token, { id: seeded[5].id, question: seeded[5].question, answer: 'Oui.', category: 'Course bis', position: 1 }));
    const answers = (await Promise.all(work)) as { userErrors: unknown[] }[];
    expect(answers.map(answer => answer.userErrors)).toEqual(answers.map(() => []));
    const course = await readFaq(api, 'Course');
    expect(course).toHaveLength(6 + 8 - 2);
    expect(course.map(entry => entry.position)).toEqual(course.map((_, index) => index + 1));
  });

  test('items crossing between two scopes both ways at once: no deadlock, both dense', async () => {
    const left: FaqEntryView[] = [];
    const right: FaqEntryView[] = [];
    for (let i = 1; i <= 4; i++) {
      left.push(await createFaq(api, editorial.token, { question: `Gauche ${i} ?`, category: 'Gauche' }));
      right.push(await createFaq(api, editorial.token, { question: `Droite ${i} ?`, category: 'Droite' }));
    }
    const answers = await Promise.all([
      ...left.map(entry => upsertFaq(api, editorial.token, { id: entry.id, question: entry.question, answer: 'Oui.', category: 'Droite', position: 1 })),
      ...right.map(entry => upsertFaq(api, admin.token, { id: entry.id, question: entry.question, answer: 'Oui.', category: 'Gauche', position: 2 })),
    ]);
    expect(answers.map(answer => answer.userErrors)).toEqual(answers.map(() => []));
    for (const category of ['Gauche', 'Droite']) {
      const entries = await readFaq(api, category);
      expect(entries.map(entry => entry.position)).toEqual([1, 2, 3, 4]);
    }
  });
});
