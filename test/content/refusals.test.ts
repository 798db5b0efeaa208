import { clientToken } from '../support/accounts';
import {
  createFaq,
  createTour,
  readFaq,
  readTour,
  sendDeleteFaq,
  sendDeleteTour,
  sendUpsertFaq,
  sendUpsertTour,
  upsertFaq,
  upsertTour,
  deleteFaq,
  deleteTour,
  type FaqEntryView,
  type TourStepView,
} from '../support/content';
import { ADMIN, ADMIN_ENV, agents, login, person, type Person } from '../support/people';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Who may edit the FAQ and the tour (the editorial committee and admins), and what they may write:
 * every refusal leaves the lists and the audit trail as they were.
 */
let api: TestApp;
let admin: Person;
let editorial: Person;
let entry: FaqEntryView;
let step: TourStepView;

/** What a refused mutation must leave untouched. */
async function snapshot(): Promise<unknown> {
  const [faq, tour, audit] = await Promise.all([
    api.sql(`SELECT id, question, answer, category, position FROM faq_entry ORDER BY id`),
    api.sql(`SELECT id, page, target, title, body, position FROM tour_step ORDER BY id`),
    api.sql(`SELECT count(*)::int AS count FROM audit_entry`),
  ]);
  return { faq, tour, audit };
}

beforeAll(async () => {
  api = await startTestApp(ADMIN_ENV);
  admin = await login(api, ADMIN.email, ADMIN.password);
  editorial = await person(api, admin.token, 'redaction@numerique.gouv.fr', [['EDITORIAL_COMMITTEE']]);
  entry = await createFaq(api, editorial.token, { question: 'Intouchable ?', category: 'Refus' });
  step = await createTour(api, editorial.token, { title: 'Intouchable', page: '/refus' });
});
afterAll(() => api.stop());

const faqInput = () => ({ question: 'Nouvelle ?', answer: 'Oui.', category: 'Refus', position: 1 });
const tourInput = () => ({ page: '/refus', target: '#x', title: 'Nouvelle', body: 'Oui.', position: 1 });

describe('rights', () => {
  let refused: [string, string | null, string][];
  beforeAll(async () => {
    const [agent] = await agents(api, 1);
    refused = [
      ['anonymous', null, 'UNAUTHENTICATED'],
      ['an agent', agent.token, 'FORBIDDEN'],
      ['an editor', (await person(api, admin.token, 'editeur@agriculture.gouv.fr', [['EDITOR', 'maa']])).token, 'FORBIDDEN'],
      ['the technical committee', (await person(api, admin.token, 'technique@numerique.gouv.fr', [['TECHNICAL_COMMITTEE']])).token, 'FORBIDDEN'],
      ['an HR correspondent', (await person(api, admin.token, 'rh@agriculture.gouv.fr', [['HR_CORRESPONDENT', 'maa']])).token, 'FORBIDDEN'],
      ['an API client with every scope', await clientToken(api, admin.token, 'maa', ['catalogue:write', 'enrolments:complete', 'hr:read', 'webhooks:manage']), 'FORBIDDEN'],
    ];
  });

  test('everyone but the editorial committee and admins is refused each mutation, and nothing is written', async () => {
    const before = await snapshot();
    for (const [who, token, code] of refused) {
      const answers = [
        await sendUpsertFaq(api, token, faqInput()),
        await sendUpsertFaq(api, token, { ...faqInput(), id: entry.id }),
        await sendDeleteFaq(api, token, entry.id),
        await sendUpsertTour(api, token, tourInput()),
        await sendUpsertTour(api, token, { ...tourInput(), id: step.id }),
        await sendDeleteTour(api, token, step.id),
      ];
      for (const answer of answers) {
        expect([who, answer.body.errors?.map(error => error.extensions?.code)]).toEqual([who, [code]]);
        expect(answer.body.data).toBeNull();
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  test('the editorial committee and admins may', async () => {
    for (const editor of [editorial, admin]) {
      const created = await upsertFaq(api, editor.token, { question: 'Permise ?', answer: 'Oui.', category: 'Permis' });
      expect(created.userErrors).toEqual([]);
      expect((await deleteFaq(api, editor.token, created.faqEntry!.id)).userErrors).toEqual([]);
      const made = await upsertTour(api, editor.token, { ...tourInput(), page: '/permis' });
      expect(made.userErrors).toEqual([]);
      expect((await deleteTour(api, editor.token, made.tourStep!.id)).userErrors).toEqual([]);
    }
  });
});

describe('validation', () => {
  const long = (length: number) => 'a'.repeat(length);

  test.each([
    ['an empty question', { question: '   ' }, 'question', /1 à 300/],
    ['a question over 300 characters', { question: long(301) }, 'question', /1 à 300/],
    ['an empty answer', { answer: '\n\t ' }, 'answer', /1 à 10 000/],
    ['an answer over 10,000 characters', { answer: long(10_001) }, 'answer', /1 à 10 000/],
    ['a category over 100 characters', { category: long(101) }, 'category', /1 à 100/],
    ['a blank category', { category: '  ' }, 'category', /catégorie/],
    ['a category with markup characters', { category: 'Compte <b>' }, 'category', /lettres, chiffres/],
    ['an HTML tag in the answer', { answer: 'Voir <a href="https://x.fr">ici</a>.' }, 'answer', /HTML.*Markdown/],
    ['an HTML block in the answer', { answer: '<div>\nBonjour\n</div>' }, 'answer', /HTML.*Markdown/],
    ['an HTML comment in the answer', { answer: 'Bonjour <!-- caché -->' }, 'answer', /HTML.*Markdown/],
    ['a script in the question', { question: 'Quoi ? <script>alert(1)</script>' }, 'question', /HTML.*Markdown/],
    ['a javascript: link', { answer: '[Cliquez](javascript:alert(1))' }, 'answer', /Lien refusé/],
    ['a javascript: link disguised with an entity', { answer: '[Cliquez](jav&#x09;ascript:alert(1))' }, 'answer', /Lien refusé/],
    ['a javascript: autolink', { answer: '<javascript:alert(1)>' }, 'answer', /Lien refusé/],
    ['a data: image', { answer: '![x](data:text/html;base64,PHNjcmlwdD4=)' }, 'answer', /Lien refusé/],
  ])('FAQ: %s', async (_, change, field, message) => {
    const before = await snapshot();
    const { body } = await sendUpsertFaq(api, editorial.token, { ...faqInput(), ...change });
    expect(body.errors).toBeUndefined();
    const payload = body.data.upsertFaqEntry;
    expect(payload.faqEntry).toBeNull();
    expect(payload.userErrors).toEqual([{ field: ['input', field], code: 'VALIDATION', message: expect.stringMatching(message) }]);
    expect(await snapshot()).toEqual(before);
  });

  test.each([
    ['a page without its leading slash', { page: 'catalogue' }, 'page', /commence par « \/ »/],
    ['a page with a space', { page: '/mon espace' }, 'page', /sans espace/],
    ['a page with a query', { page: '/catalogue?q=1' }, 'page', /sans espace/],
    ['a protocol-relative page', { page: '//ailleurs.fr/x' }, 'page', /commence par « \/ »/],
    ['a page over 200 characters', { page: '/' + long(200) }, 'page', /1 à 200/],
    ['a target that is no CSS selector', { target: '#' }, 'target', /sélecteur CSS/],
    ['an unclosed attribute selector', { target: '[data-tour="x"' }, 'target', /sélecteur CSS/],
    ['a dangling combinator', { target: 'main >' }, 'target', /sélecteur CSS/],
    ['a target over 200 characters', { target: '#' + long(200) }, 'target', /1 à 200/],
    ['an empty title', { title: ' ' }, 'title', /1 à 200/],
    ['a title over 200 characters', { title: long(201) }, 'title', /1 à 200/],
    ['an empty body', { body: '' }, 'body', /1 à 5 000/],
    ['a body over 5,000 characters', { body: long(5_001) }, 'body', /1 à 5 000/],
    ['HTML in the body', { body: 'Cliquez <b>ici</b>' }, 'body', /HTML.*Markdown/],
    ['a javascript: link in the body', { body: '[x]: javascript:alert(1)\n\nVoir [x].' }, 'body', /Lien refusé/],
  ])('tour: %s', async (_, change, field, message) => {
    const before = await snapshot();
    const { body } = await sendUpsertTour(api, editorial.token, { ...tourInput(), ...change });
    expect(body.errors).toBeUndefined();
    const payload = body.data.upsertTourStep;
    expect(payload.tourStep).toBeNull();
    expect(payload.userErrors).toEqual([{ field: ['input', field], code: 'VALIDATION', message: expect.stringMatching(message) }]);
    expect(await snapshot()).toEqual(before);
  });

  test('every invalid field is reported at once, on update too, and the entry stays as it was', async () => {
    const before = await snapshot();
    const faq = await upsertFaq(api, editorial.token, { id: entry.id, question: '', answer: '<p>x</p>', category: '#' });
    expect(faq.userErrors.map(error => [error.field, error.code])).toEqual([
      [['input', 'question'], 'VALIDATION'],
      [['input', 'answer'], 'VALIDATION'],
      [['input', 'category'], 'VALIDATION'],
    ]);
    const tour = await upsertTour(api, editorial.token, { id: step.id, page: 'x', target: '##', title: '', body: '<br>' });
    expect(tour.userErrors.map(error => error.field)).toEqual([
      ['input', 'page'],
      ['input', 'target'],
      ['input', 'title'],
      ['input', 'body'],
    ]);
    expect(await snapshot()).toEqual(before);
    expect((await readFaq(api, 'Refus')).map(item => item.question)).toEqual(['Intouchable ?']);
    expect((await readTour(api, '/refus')).map(item => item.title)).toEqual(['Intouchable']);
  });

  test('Markdown passes: emphasis, lists, links, code mentioning tags, comparisons', async () => {
    const answer = [
      '**Oui**, voyez [le catalogue](/catalogue) ou <https://www.fonction-publique.gouv.fr>.',
      '',
      '- écrire `<br>` dans du code est permis',
      '- 3 < 5 et 5 > 3',
      '',
      '[contact](mailto:mentor@numerique.gouv.fr)',
    ].join('\n');
    const created = await upsertFaq(api, editorial.token, { question: 'Markdown ?', answer, category: 'Markdown' });
    expect(created.userErrors).toEqual([]);
    expect(created.faqEntry?.answer).toBe(answer);
    const target = await upsertTour(api, editorial.token, { ...tourInput(), page: '/markdown', target: 'main > [data-tour="recherche"] .champ:first-child' });
    expect(target.userErrors).toEqual([]);
  });
});

describe('unknown ids', () => {
  const unknownFaq = Buffer.from('FaqEntry:00000000-0000-4000-8000-000000000000').toString('base64url');

  test.each([
    ['an unknown entry', () => unknownFaq],
    ['a malformed id', () => 'pas-un-id'],
    ['the id of another type', () => step.id],
  ])('updating or deleting %s is NOT_FOUND, nothing written', async (_, id) => {
    const before = await snapshot();
    const updated = await upsertFaq(api, editorial.token, { ...faqInput(), id: id() });
    expect(updated).toEqual({ faqEntry: null, userErrors: [{ field: ['input', 'id'], code: 'NOT_FOUND', message: expect.any(String) }] });
    expect(await deleteFaq(api, editorial.token, id())).toEqual({ deletedId: null, userErrors: [{ field: ['id'], code: 'NOT_FOUND', message: expect.any(String) }] });
    const tourId = id() === step.id ? entry.id : id();
    expect((await upsertTour(api, editorial.token, { ...tourInput(), id: tourId })).userErrors.map(error => error.code)).toEqual(['NOT_FOUND']);
    expect((await deleteTour(api, editorial.token, tourId)).userErrors.map(error => error.code)).toEqual(['NOT_FOUND']);
    expect(await snapshot()).toEqual(before);
  });
});
