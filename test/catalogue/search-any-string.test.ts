import fc from 'fast-check';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Search accepts any string a client sends: the answer is a page of trainings or BAD_USER_INPUT,
 * never an internal error (the modifier apostrophe ʼ once became tsquery syntax after unaccent).
 */
let api: TestApp;
beforeAll(async () => {
  api = await startTestApp({ DEMO_DATA: 'false' });
});
afterAll(() => api.stop());

const SEARCH = 'query($search: String) { trainings(search: $search, first: 3) { totalCount edges { node { slug } } } }';

async function codesFor(search: string): Promise<string[]> {
  const { body } = await api.gql(SEARCH, { search });
  return (body.errors ?? []).map(error => String(error.extensions?.code));
}

test.each(['ʼ', 'lʼÉtat', "'", "l'état", ':*', 'a:*', '\\', 'a\\b', '!', '&|!()<->', '"', '""', 'or', '-', '- -', 'æ', 'ß', 'ﬁnance', '\u0000', '🙂', 'x'.repeat(1000), 'a b '.repeat(50), 'formation '.repeat(20)])(
  '%j: a page or BAD_USER_INPUT',
  async search => {
    expect((await codesFor(search)).filter(code => code !== 'BAD_USER_INPUT')).toEqual([]);
  },
);

test('any Unicode string: a page or BAD_USER_INPUT, never another error', async () => {
  const pieces = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.string({ unit: fc.constantFrom('ʼ', "'", '"', '-', ':', '*', '\\', '!', '&', '|', '(', ')', '<', '>', ' ', 'or', 'é', 'a', '1'), maxLength: 12 }),
  );
  await fc.assert(
    fc.asyncProperty(pieces, async search => {
      expect((await codesFor(search)).filter(code => code !== 'BAD_USER_INPUT')).toEqual([]);
    }),
    { numRuns: 300 },
  );
});
