import { ADMIN, bearer, login, person, type Person } from './people';
import type { GraphQLResponse, TestApp, UserErrorView } from './test-app';
import { day } from './values';

let drafts = 0;

/** A valid TrainingInput for partner `maa`, with a title unique in the test run. */
export function trainingInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  drafts += 1;
  return {
    partner: 'maa',
    collection: 'numerique',
    licence: 'CC-BY-4.0',
    title: `Formation d’essai numéro ${drafts}`,
    summary: 'Un résumé clair.',
    objectives: ['Comprendre'],
    modality: 'SELF_PACED',
    ...overrides,
  };
}

export type Committee = 'EDITORIAL' | 'TECHNICAL';
export type Decision = 'APPROVE' | 'REQUEST_CHANGES' | 'REJECT';

export const TRAINING_FIELDS = 'id slug title status publishedAt archivedAt submittedAt';
/** A training as `TRAINING_FIELDS` selects it. */
export interface TrainingView {
  id: string;
  slug: string;
  title: string;
  status: string;
  publishedAt: string | null;
  archivedAt: string | null;
  submittedAt: string | null;
}

export interface TrainingPayload<T = TrainingView> {
  training: T | null;
  userErrors: UserErrorView[];
}

export interface ReviewView {
  id: string;
  committee: Committee;
  decision: Decision;
  comment: string | null;
  reviewerName: string | null;
  reviewer: { displayName: string } | null;
  onRevision: boolean;
}

export interface ReviewPayload {
  review: ReviewView | null;
  training: TrainingView | null;
  userErrors: UserErrorView[];
}

export interface RevisionView {
  id: string;
  title: string;
  status: string;
  changedFields: string[];
}

export const SESSION_FIELDS = 'id startsAt endsAt enrolmentOpensAt enrolmentClosesAt capacity location cancelled seatsTaken seatsLeft waitlistLength';
/** A session as `SESSION_FIELDS` selects it. */
export interface SessionView {
  id: string;
  startsAt: string;
  endsAt: string;
  enrolmentOpensAt: string;
  enrolmentClosesAt: string;
  capacity: number | null;
  location: string | null;
  cancelled: boolean;
  seatsTaken: number;
  seatsLeft: number | null;
  waitlistLength: number;
}

export interface SessionPayload {
  session: SessionView | null;
  userErrors: UserErrorView[];
}

const USER_ERRORS = 'userErrors { field code message }';

export async function createDraft(api: TestApp, token: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; slug: string }> {
  const { createTraining } = await api.data<{ createTraining: TrainingPayload<{ id: string; slug: string; status: string }> }>(
    `mutation($input: TrainingInput!) { createTraining(input: $input) { training { id slug status } ${USER_ERRORS} } }`,
    { input: trainingInput(overrides) },
    bearer(token),
  );
  expect(createTraining.userErrors).toEqual([]);
  expect(createTraining.training?.status).toBe('DRAFT');
  const { id, slug } = createTraining.training!;
  return { id, slug };
}

/** submitTraining; its user errors are for the caller to check. */
export async function submit(api: TestApp, token: string, id: string): Promise<TrainingPayload> {
  const { submitTraining } = await api.data<{ submitTraining: TrainingPayload }>(
    `mutation($id: ID!) { submitTraining(id: $id) { training { ${TRAINING_FIELDS} } ${USER_ERRORS} } }`,
    { id },
    bearer(token),
  );
  return submitTraining;
}

const REVIEW = `mutation($input: ReviewInput!) { reviewTraining(input: $input) {
  review { id committee decision comment reviewerName reviewer { displayName } onRevision }
  training { ${TRAINING_FIELDS} } ${USER_ERRORS} } }`;

/** reviewTraining as sent, for the answers a refusal gives (FORBIDDEN is a GraphQL error, not a user error). */
export function sendReview(
  api: TestApp,
  token: string,
  trainingId: string,
  committee: Committee,
  decision: Decision,
  comment?: string,
): Promise<GraphQLResponse<{ reviewTraining: ReviewPayload }>> {
  return api.gql(REVIEW, { input: { trainingId, committee, decision, comment } }, bearer(token));
}

/** A committee's decision; its user errors are for the caller to check. */
export async function review(api: TestApp, token: string, trainingId: string, committee: Committee, decision: Decision, comment?: string): Promise<ReviewPayload> {
  const { body } = await sendReview(api, token, trainingId, committee, decision, comment);
  expect(body.errors).toBeUndefined();
  return body.data!.reviewTraining;
}

export type UpdatePayload = TrainingPayload<TrainingView & { pendingRevision: RevisionView | null }>;

/** updateTraining (in place on a draft, else a pending revision); its user errors are for the caller to check. */
export async function updateTraining(api: TestApp, token: string, id: string, input: Record<string, unknown>): Promise<UpdatePayload> {
  const { updateTraining: payload } = await api.data<{ updateTraining: UpdatePayload }>(
    `mutation($id: ID!, $input: TrainingUpdateInput!) { updateTraining(id: $id, input: $input) {
      training { ${TRAINING_FIELDS} pendingRevision { id title status changedFields } } ${USER_ERRORS} } }`,
    { id, input },
    bearer(token),
  );
  return payload;
}

/** archiveTraining; its user errors are for the caller to check. */
export async function archive(api: TestApp, token: string, id: string): Promise<TrainingPayload> {
  const { archiveTraining } = await api.data<{ archiveTraining: TrainingPayload }>(
    `mutation($id: ID!) { archiveTraining(id: $id) { training { ${TRAINING_FIELDS} } ${USER_ERRORS} } }`,
    { id },
    bearer(token),
  );
  return archiveTraining;
}

/** Who the editorial workflow needs. */
export interface EditorialTeam {
  admin: Person;
  /** An editor of `maa`. */
  editor: Person;
  /** A member of the editorial committee. */
  editorial: Person;
  /** A member of the technical committee. */
  technical: Person;
}

/** The admin of an app started with `ADMIN_ENV`, and the editor and committee members it registers. */
export async function editorialTeam(api: TestApp): Promise<EditorialTeam> {
  const admin = await login(api, ADMIN.email, ADMIN.password);
  return {
    admin,
    editor: await person(api, admin.token, 'editeur@agriculture.gouv.fr', [['EDITOR', 'maa']]),
    editorial: await person(api, admin.token, 'comite.editorial@numerique.gouv.fr', [['EDITORIAL_COMMITTEE']]),
    technical: await person(api, admin.token, 'comite.technique@numerique.gouv.fr', [['TECHNICAL_COMMITTEE']]),
  };
}

/** Submitted by the team's editor and approved by both committees. */
export async function publish(api: TestApp, team: Omit<EditorialTeam, 'admin'>, id: string): Promise<void> {
  expect((await submit(api, team.editor.token, id)).userErrors).toEqual([]);
  expect((await review(api, team.editorial.token, id, 'EDITORIAL', 'APPROVE')).userErrors).toEqual([]);
  expect((await review(api, team.technical.token, id, 'TECHNICAL', 'APPROVE')).training?.status).toBe('PUBLISHED');
}

/**
 * createSession as sent, starting in 10 days and ending in 11 unless `input` says otherwise (enrolment
 * then opens now and closes at the start); its user errors are for the caller to check.
 */
export async function tryCreateSession(api: TestApp, token: string, trainingId: string, input: Record<string, unknown> = {}): Promise<SessionPayload> {
  const { createSession } = await api.data<{ createSession: SessionPayload }>(
    `mutation($input: SessionInput!) { createSession(input: $input) { session { ${SESSION_FIELDS} } ${USER_ERRORS} } }`,
    { input: { trainingId, startsAt: day(10), endsAt: day(11), ...input } },
    bearer(token),
  );
  return createSession;
}

/** A session created through the API (see `tryCreateSession` for the defaults): its id. */
export async function createSession(api: TestApp, token: string, trainingId: string, input: Record<string, unknown> = {}): Promise<string> {
  const payload = await tryCreateSession(api, token, trainingId, input);
  expect(payload.userErrors).toEqual([]);
  return payload.session!.id;
}
