import { clientToken } from './accounts';
import { createDraft, createSession, editorialTeam, publish, type EditorialTeam } from './editorial';
import { agents, bearer, person, type Person } from './people';
import type { TestApp } from './test-app';
import { day, localId } from './values';

/** Long enough for every completion made so far to be listed (see `SETTLED` in hr-records.service.ts: 2 s after it commits). */
export const settled = (): Promise<void> => new Promise(resolve => setTimeout(resolve, 2_200));

/** A session under way (completion comes after the start), still open to enrolment, unlimited. */
export const UNDER_WAY = { startsAt: day(-1), endsAt: day(1), enrolmentOpensAt: day(-2), enrolmentClosesAt: day(0.5) };

/** Enrols `agent` in the session and has `completer` complete it, through the API: a real attestation. Its enrolment's id. */
export async function completeThroughApi(api: TestApp, agent: Person, sessionId: string, completer: Person): Promise<string> {
  const { enrol } = await api.data<{ enrol: { enrolment: { id: string; status: string } } }>(
    `mutation($sessionId: ID!) { enrol(sessionId: $sessionId) { enrolment { id status } userErrors { code } } }`,
    { sessionId },
    bearer(agent.token),
  );
  expect(enrol.enrolment.status).toBe('CONFIRMED');
  const { completeEnrolment } = await api.data<{ completeEnrolment: { enrolment: { status: string } | null; userErrors: unknown[] } }>(
    `mutation($id: ID!) { completeEnrolment(enrolmentId: $id) { enrolment { status } userErrors { code message } } }`,
    { id: enrol.enrolment.id },
    bearer(completer.token),
  );
  expect(completeEnrolment.userErrors).toEqual([]);
  return enrol.enrolment.id;
}

/**
 * Completions written straight to the database (enrolment COMPLETED and its attestation), one per
 * (agent, instant): for volumes the API would take minutes to make. The session must be unlimited.
 */
export async function completeBySql(api: TestApp, agentIds: string[], sessionId: string, instants: string[], trainingTitle = 'Formation générée'): Promise<void> {
  await api.sql(
    `WITH done AS (
       INSERT INTO enrolment (user_id, session_id, status, completed_at)
       SELECT agent, $2::uuid, 'COMPLETED', at FROM unnest($1::uuid[], $3::timestamptz[]) AS given(agent, at)
       RETURNING id, user_id, completed_at)
     INSERT INTO attestation (enrolment_id, user_id, code, holder_name, training_title, partner_name, duration_minutes, issued_at, credential)
     SELECT done.id, done.user_id, upper(substr(md5(done.id::text), 1, 16)), 'Agent', $4, 'Ministère de l’Agriculture et de la Souveraineté alimentaire', 60, done.completed_at, 'jws'
     FROM done`,
    [agentIds.map(localId), localId(sessionId), instants, trainingTitle],
  );
}

export interface HrFixture {
  team: EditorialTeam;
  trainingId: string;
  sessionId: string;
  /** Tokens by role, as the rights matrices name them; null for anonymous. */
  tokens: Record<string, string | null>;
}

/** A published training of maa with a session under way, and a token for every role of the rights matrix. */
export async function hrFixture(api: TestApp, title?: string): Promise<HrFixture> {
  const team = await editorialTeam(api);
  const { admin, editor } = team;
  const trainingId = (await createDraft(api, editor.token, { ...(title && { title }), durationMinutes: 420 })).id;
  await publish(api, team, trainingId);
  const sessionId = await createSession(api, editor.token, trainingId, UNDER_WAY);
  const tokens: Record<string, string | null> = {
    anonymous: null,
    agent: (await agents(api, 1))[0].token,
    'editor of maa': editor.token,
    'editorial committee member': team.editorial.token,
    'technical committee member': team.technical.token,
    'HR correspondent of dgafp': (await person(api, admin.token, 'rh@fonction-publique.gouv.fr', [['HR_CORRESPONDENT', 'dgafp']])).token,
    'API client of maa without hr:read': await clientToken(api, admin.token, 'maa', ['enrolments:complete', 'catalogue:write']),
    'API client of maa with webhooks:manage only': await clientToken(api, admin.token, 'maa', ['webhooks:manage']),
    'API client of dgafp with hr:read': await clientToken(api, admin.token, 'dgafp', ['hr:read']),
    'revoked API client of maa with hr:read': await clientToken(api, admin.token, 'maa', ['hr:read'], { revoked: true }),
    'HR correspondent of maa': (await person(api, admin.token, 'rh@agriculture.gouv.fr', [['HR_CORRESPONDENT', 'maa']])).token,
    admin: admin.token,
    'API client of maa with hr:read': await clientToken(api, admin.token, 'maa', ['hr:read']),
  };
  return { team, trainingId, sessionId, tokens };
}

/** Who is refused (and how), who reads: the same for `hrRecords` and the CSV. */
export const REFUSED: [role: string, code: 'UNAUTHENTICATED' | 'FORBIDDEN'][] = [
  ['anonymous', 'UNAUTHENTICATED'],
  ['agent', 'FORBIDDEN'],
  ['editor of maa', 'FORBIDDEN'],
  ['editorial committee member', 'FORBIDDEN'],
  ['technical committee member', 'FORBIDDEN'],
  ['HR correspondent of dgafp', 'FORBIDDEN'],
  ['API client of maa without hr:read', 'FORBIDDEN'],
  ['API client of maa with webhooks:manage only', 'FORBIDDEN'],
  ['API client of dgafp with hr:read', 'FORBIDDEN'],
  ['revoked API client of maa with hr:read', 'FORBIDDEN'],
];
export const ALLOWED = ['HR correspondent of maa', 'admin', 'API client of maa with hr:read'];
