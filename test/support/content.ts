import { bearer } from './people';
import type { GraphQLResponse, TestApp, UserErrorView } from './test-app';

export const FAQ_FIELDS = 'id question answer category position';
export const TOUR_FIELDS = 'id page target title body position';

export interface FaqEntryView {
  id: string;
  question: string;
  answer: string;
  category: string;
  position: number;
}

export interface TourStepView {
  id: string;
  page: string;
  target: string;
  title: string;
  body: string;
  position: number;
}

export interface DeleteView {
  deletedId: string | null;
  userErrors: UserErrorView[];
}

const USER_ERRORS = 'userErrors { field code message }';

const UPSERT_FAQ = `mutation($input: FaqEntryInput!) { upsertFaqEntry(input: $input) { faqEntry { ${FAQ_FIELDS} } ${USER_ERRORS} } }`;
const UPSERT_TOUR = `mutation($input: TourStepInput!) { upsertTourStep(input: $input) { tourStep { ${TOUR_FIELDS} } ${USER_ERRORS} } }`;
const DELETE_FAQ = `mutation($id: ID!) { deleteFaqEntry(id: $id) { deletedId ${USER_ERRORS} } }`;
const DELETE_TOUR = `mutation($id: ID!) { deleteTourStep(id: $id) { deletedId ${USER_ERRORS} } }`;

/** The four editing mutations as sent, for the answers refusals give (rights are GraphQL errors). */
export const sendUpsertFaq = (api: TestApp, token: string | null, input: Record<string, unknown>) => api.gql(UPSERT_FAQ, { input }, bearer(token));
export const sendUpsertTour = (api: TestApp, token: string | null, input: Record<string, unknown>) => api.gql(UPSERT_TOUR, { input }, bearer(token));
export const sendDeleteFaq = (api: TestApp, token: string | null, id: string) => api.gql(DELETE_FAQ, { id }, bearer(token));
export const sendDeleteTour = (api: TestApp, token: string | null, id: string) => api.gql(DELETE_TOUR, { id }, bearer(token));

function dataOf<T>(response: GraphQLResponse<T>): T {
  expect(response.body.errors).toBeUndefined();
  return response.body.data!;
}

/** upsertFaqEntry; its user errors are for the caller to check. */
export async function upsertFaq(api: TestApp, token: string, input: Record<string, unknown>): Promise<{ faqEntry: FaqEntryView | null; userErrors: UserErrorView[] }> {
  return dataOf(await sendUpsertFaq(api, token, input)).upsertFaqEntry;
}

/** upsertTourStep; its user errors are for the caller to check. */
export async function upsertTour(api: TestApp, token: string, input: Record<string, unknown>): Promise<{ tourStep: TourStepView | null; userErrors: UserErrorView[] }> {
  return dataOf(await sendUpsertTour(api, token, input)).upsertTourStep;
}

export async function deleteFaq(api: TestApp, token: string, id: string): Promise<DeleteView> {
  return dataOf(await sendDeleteFaq(api, token, id)).deleteFaqEntry;
}

export async function deleteTour(api: TestApp, token: string, id: string): Promise<DeleteView> {
  return dataOf(await sendDeleteTour(api, token, id)).deleteTourStep;
}

/** A FAQ entry created through the API (category "Essais" unless said otherwise). */
export async function createFaq(api: TestApp, token: string, input: Record<string, unknown>): Promise<FaqEntryView> {
  const payload = await upsertFaq(api, token, { answer: 'Une réponse.', category: 'Essais', ...input });
  expect(payload.userErrors).toEqual([]);
  return payload.faqEntry!;
}

/** A tour step created through the API (on "/essais" unless said otherwise). */
export async function createTour(api: TestApp, token: string, input: Record<string, unknown>): Promise<TourStepView> {
  const payload = await upsertTour(api, token, { page: '/essais', target: '#essai', body: 'Un texte.', ...input });
  expect(payload.userErrors).toEqual([]);
  return payload.tourStep!;
}

/** The public FAQ as an anonymous visitor reads it. */
export async function readFaq(api: TestApp, category?: string): Promise<FaqEntryView[]> {
  return (await api.data<{ faq: FaqEntryView[] }>(`query($category: String) { faq(category: $category) { ${FAQ_FIELDS} } }`, { category })).faq;
}

/** The public guided tour as an anonymous visitor reads it. */
export async function readTour(api: TestApp, page?: string): Promise<TourStepView[]> {
  return (await api.data<{ tour: TourStepView[] }>(`query($page: String) { tour(page: $page) { ${TOUR_FIELDS} } }`, { page })).tour;
}

/** Every scope of both lists has positions 1..n (the invariant every write keeps); the scopes that do not, with their positions. */
export async function gapsOrDuplicates(api: TestApp): Promise<unknown[]> {
  return api.sql(
    `SELECT 'faq' AS list, category AS scope, array_agg(position ORDER BY position) AS positions FROM faq_entry GROUP BY category
       HAVING min(position) <> 1 OR max(position) <> count(*) OR count(DISTINCT position) <> count(*)
     UNION ALL
     SELECT 'tour', page, array_agg(position ORDER BY position) FROM tour_step GROUP BY page
       HAVING min(position) <> 1 OR max(position) <> count(*) OR count(DISTINCT position) <> count(*)`,
  );
}
