import { bearer } from './people';
import type { TestApp } from './test-app';
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

export const TRAINING_FIELDS = 'id slug title status publishedAt archivedAt submittedAt';

export async function createDraft(api: TestApp, token: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; slug: string }> {
  const { body } = await api.gql(
    `mutation($input: TrainingInput!) { createTraining(input: $input) { training { id slug status } userErrors { field code message } } }`,
    { input: trainingInput(overrides) },
    bearer(token),
  );
  expect(body.errors).toBeUndefined();
  expect(body.data.createTraining.userErrors).toEqual([]);
  expect(body.data.createTraining.training.status).toBe('DRAFT');
  return body.data.createTraining.training;
}

export async function submit(api: TestApp, token: string, id: string): Promise<any> {
  const { body } = await api.gql(
    `mutation($id: ID!) { submitTraining(id: $id) { training { ${TRAINING_FIELDS} } userErrors { field code message } } }`,
    { id },
    bearer(token),
  );
  expect(body.errors).toBeUndefined();
  return body.data.submitTraining;
}

export async function review(api: TestApp, token: string, trainingId: string, committee: string, decision: string, comment?: string): Promise<any> {
  const { body } = await api.gql(
    `mutation($input: ReviewInput!) { reviewTraining(input: $input) {
      review { id committee decision comment reviewerName reviewer { displayName } onRevision }
      training { ${TRAINING_FIELDS} } userErrors { field code message } } }`,
    { input: { trainingId, committee, decision, comment } },
    bearer(token),
  );
  expect(body.errors).toBeUndefined();
  return body.data.reviewTraining;
}

export async function updateTraining(api: TestApp, token: string, id: string, input: Record<string, unknown>): Promise<any> {
  const { body } = await api.gql(
    `mutation($id: ID!, $input: TrainingUpdateInput!) { updateTraining(id: $id, input: $input) {
      training { ${TRAINING_FIELDS} pendingRevision { id title status changedFields } } userErrors { field code message } } }`,
    { id, input },
    bearer(token),
  );
  expect(body.errors).toBeUndefined();
  return body.data.updateTraining;
}

/** Submitted and approved by both committees (tokens of a member of each). */
export async function publish(api: TestApp, editorToken: string, committees: { editorial: string; technical: string }, id: string): Promise<void> {
  expect((await submit(api, editorToken, id)).userErrors).toEqual([]);
  expect((await review(api, committees.editorial, id, 'EDITORIAL', 'APPROVE')).userErrors).toEqual([]);
  expect((await review(api, committees.technical, id, 'TECHNICAL', 'APPROVE')).training.status).toBe('PUBLISHED');
}

/** A session created through the API; `days` from now for its start (enrolment open from now until then by default). */
export async function createSession(api: TestApp, token: string, trainingId: string, input: Record<string, unknown> = {}): Promise<string> {
    const { body } = await api.gql(
    `mutation($input: SessionInput!) { createSession(input: $input) { session { id } userErrors { field code message } } }`,
    { input: { trainingId, startsAt: day(10), endsAt: day(11), ...input } },
    bearer(token),
  );
  expect(body.data.createSession.userErrors).toEqual([]);
  return body.data.createSession.session.id;
}
