import { createDraft, createSession, editorialTeam, publish, type EditorialTeam } from '../support/editorial';
import { ADMIN_ENV, agents, bearer, login, registerUnverified, type Person } from '../support/people';
import { startTestApp, type TestApp, type UserErrorView } from '../support/test-app';
import { day, localId } from '../support/values';

/** The front end's origin, where links in e-mails point. */
const APP_URL = 'https://app.mentor.example.gouv.fr';
const TITLE = 'Accueillir un nouvel agent';
/** What `takePlace` substitutes with the rank in line: it must never reach an agent. */
const PLACEHOLDER = '__RANG_DANS_LA_FILE__';
/** 10 March 2031 09:30 to 11 March 17:00 in Paris (winter time, UTC+1). */
const WINTER = { startsAt: '2031-03-10T08:30:00.000Z', endsAt: '2031-03-11T16:00:00.000Z' };
const WINTER_LINE = 'Session : du lundi 10 mars 2031 à 09:30 au mardi 11 mars 2031 à 17:00';
/** 15 July 2031 14:00 to 16 July 17:30 in Paris (summer time, UTC+2). */
const SUMMER = { startsAt: '2031-07-15T12:00:00.000Z', endsAt: '2031-07-16T15:30:00.000Z' };
const SUMMER_LINE = 'Session : du mardi 15 juillet 2031 à 14:00 au mercredi 16 juillet 2031 à 17:30';

let api: TestApp;
let team: EditorialTeam;
let open: { id: string; slug: string };
/** Published, for category A agents only. */
let forCategoryA: string;

const ENROL = `mutation($sessionId: ID!) { enrol(sessionId: $sessionId) { enrolment { id status waitlistPosition } userErrors { field code message } } }`;
type EnrolPayload = { enrolment: { id: string; status: string; waitlistPosition: number | null } | null; userErrors: UserErrorView[] };

interface QueuedMail {
  subject: string;
  text: string;
  html: string;
  link: string | null;
}

/** enrol; its user errors are for the caller to check. */
const enrol = async (token: string, sessionId: string) => (await api.data<{ enrol: EnrolPayload }>(ENROL, { sessionId }, bearer(token))).enrol;
/** An enrolment that must go through (confirmed or waitlisted). */
async function enrolled(agent: Person, sessionId: string) {
  const payload = await enrol(agent.token, sessionId);
  expect(payload.userErrors).toEqual([]);
  return payload.enrolment!;
}
/** Each agent enrolled in turn, so that their arrival order is theirs. */
async function enrolInTurn(people: Person[], sessionId: string) {
  const enrolments = [];
  for (const agent of people) enrolments.push(await enrolled(agent, sessionId));
  return enrolments;
}

async function mutate(mutation: string, variables: Record<string, unknown>, token = team.editor.token): Promise<void> {
  const payload = Object.values(await api.data<Record<string, { userErrors: UserErrorView[] }>>(mutation, variables, bearer(token)))[0];
  expect(payload.userErrors).toEqual([]);
}
const cancelEnrolment = (agent: Person, id: string) =>
  mutate(`mutation($id: ID!) { cancelEnrolment(enrolmentId: $id) { userErrors { field code message } } }`, { id }, agent.token);
const updateSession = (id: string, input: Record<string, unknown>) =>
  mutate(`mutation($id: ID!, $input: SessionUpdateInput!) { updateSession(id: $id, input: $input) { userErrors { field code message } } }`, { id, input });
const cancelSession = (id: string) => mutate(`mutation($id: ID!) { cancelSession(id: $id) { userErrors { field code message } } }`, { id });

/** The address `agents` gave this agent. */
async function addressOf(agent: Person): Promise<string> {
  const [{ email }] = await api.sql<{ email: string }>(`SELECT email FROM user_account WHERE id = $1`, [localId(agent.id)]);
  return email;
}

/** The e-mails queued for this agent (or address), oldest first. */
async function mailsTo(recipient: Person | string): Promise<QueuedMail[]> {
  const address = typeof recipient === 'string' ? recipient : await addressOf(recipient);
  return api.sql<QueuedMail>(
    `SELECT payload->>'subject' AS subject, payload->>'text' AS text, payload->>'html' AS html, payload->>'link' AS link
     FROM outbox_message WHERE channel = 'mail' AND payload->>'to' = $1 ORDER BY id`,
    [address],
  );
}
const subjectsTo = async (recipient: Person | string) => (await mailsTo(recipient)).map(mail => mail.subject);

beforeAll(async () => {
  api = await startTestApp({ ...ADMIN_ENV, APP_URL });
  team = await editorialTeam(api);
  open = await createDraft(api, team.editor.token, { title: TITLE });
  forCategoryA = (await createDraft(api, team.editor.token, { audienceRule: { categories: ['A'] } })).id;
  await publish(api, team, open.id);
  await publish(api, team, forCategoryA);
});
afterAll(() => api.stop());

describe('enrolling', () => {
  test('a free seat: one "Inscription confirmée" with the title, the dates in Paris time and a link to the training', async () => {
    const [agent] = await agents(api, 1);
    const sessionId = await createSession(api, team.editor.token, open.id, { ...WINTER, location: 'Paris, 78 rue de Varenne' });
    expect((await enrolled(agent, sessionId)).status).toBe('CONFIRMED');
    const mails = await mailsTo(agent);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    const link = `${APP_URL}/formations/${open.slug}`;
    expect(mail).toMatchObject({ subject: `Inscription confirmée : ${TITLE}`, link });
    expect(mail.text).toMatch(/^Bonjour Agent 1 du lot \d+,/);
    expect(mail.text).toContain(`Votre inscription à la formation « ${TITLE} » est confirmée.`);
    expect(mail.text).toContain(`${WINTER_LINE}, Paris, 78 rue de Varenne.`);
    expect(mail.text).toContain(link);
    expect(mail.html).toContain(WINTER_LINE);
    expect(mail.html).toContain(`href="${link}"`);
  });

  test('a full session: "Liste d’attente" with each agent’s own rank, the placeholder replaced everywhere', async () => {
    const people = await agents(api, 3);
    const sessionId = await createSession(api, team.editor.token, open.id, { ...WINTER, capacity: 1 });
    const enrolments = await enrolInTurn(people, sessionId);
    expect(enrolments.map(e => [e.status, e.waitlistPosition])).toEqual([['CONFIRMED', null], ['WAITLISTED', 1], ['WAITLISTED', 2]]);
    for (const [agent, rank] of [[people[1], 1], [people[2], 2]] as const) {
      const mails = await mailsTo(agent);
      expect(mails.map(mail => mail.subject)).toEqual([`Liste d’attente : ${TITLE}`]);
      const [mail] = mails;
      const sentence = `vous êtes inscrit en liste d’attente, au rang ${rank}.`;
      expect(mail.text).toContain(sentence);
      expect(mail.html).toContain(sentence);
      expect(mail.text).toContain(`${WINTER_LINE}, à distance.`);
      expect(mail.link).toBe(`${APP_URL}/formations/${open.slug}`);
      expect(JSON.stringify(mail)).not.toContain(PLACEHOLDER);
    }
  });

  test('agents racing for the last seats: each one mailed with the rank they got', async () => {
    const people = await agents(api, 6);
    const sessionId = await createSession(api, team.editor.token, open.id, { capacity: 2 });
    const enrolments = await Promise.all(people.map(agent => enrolled(agent, sessionId)));
    const told = await Promise.all(people.map(async agent => (await mailsTo(agent)).map(mail => mail.text)));
    enrolments.forEach((enrolment, index) => {
      expect(told[index]).toHaveLength(1);
      if (enrolment.status === 'CONFIRMED') expect(told[index][0]).toContain('est confirmée.');
      else expect(told[index][0]).toContain(`au rang ${enrolment.waitlistPosition}.`);
      expect(told[index][0]).not.toContain(PLACEHOLDER);
    });
    expect(enrolments.map(e => e.waitlistPosition ?? 0).sort()).toEqual([0, 0, 1, 2, 3, 4]);
  });

  test('enrolling again returns the enrolment and queues nothing more, seated or waiting', async () => {
    const people = await agents(api, 2);
    const sessionId = await createSession(api, team.editor.token, open.id, { capacity: 1 });
    const first = await enrolInTurn(people, sessionId);
    const again = await enrolInTurn(people, sessionId);
    expect(again.map(e => e.id)).toEqual(first.map(e => e.id));
    expect(await subjectsTo(people[0])).toEqual([`Inscription confirmée : ${TITLE}`]);
    expect(await subjectsTo(people[1])).toEqual([`Liste d’attente : ${TITLE}`]);
  });

  test.each([
    ['not eligible', { category: 'B' }, () => forCategoryA, {}, 'NOT_ELIGIBLE'],
    ['closed', {}, () => open.id, { startsAt: day(-1), endsAt: day(1), enrolmentOpensAt: day(-5), enrolmentClosesAt: day(-1) }, 'ENROLMENT_CLOSED'],
  ])('refused (%s): nothing queued', async (_, profile, training, window, code) => {
    const [agent] = await agents(api, 1, profile);
    const sessionId = await createSession(api, team.editor.token, training(), window);
    expect(await enrol(agent.token, sessionId)).toMatchObject({ enrolment: null, userErrors: [expect.objectContaining({ code })] });
    expect(await mailsTo(agent)).toEqual([]);
  });

  test('refused to an account that has not proved its mailbox (EMAIL_NOT_VERIFIED): nothing queued', async () => {
    const address = 'pas.encore.verifie@agriculture.gouv.fr';
    await registerUnverified(api, address);
    const { token } = await login(api, address);
    const before = await mailsTo(address);
    const sessionId = await createSession(api, team.editor.token, open.id);
    expect(await enrol(token, sessionId)).toEqual({ enrolment: null, userErrors: [expect.objectContaining({ code: 'EMAIL_NOT_VERIFIED' })] });
    expect(await mailsTo(address)).toEqual(before);
  });
});

describe('a seat freed', () => {
  test('a confirmed agent cancelling promotes the first in line, who is told "Une place s’est libérée"; the next waits on', async () => {
    const people = await agents(api, 3);
    const sessionId = await createSession(api, team.editor.token, open.id, { ...WINTER, capacity: 1 });
    const [seated] = await enrolInTurn(people, sessionId);
    await cancelEnrolment(people[0], seated.id);
    const promoted = await mailsTo(people[1]);
    expect(promoted.map(mail => mail.subject)).toEqual([`Liste d’attente : ${TITLE}`, `Une place s’est libérée : ${TITLE}`]);
    expect(promoted[1].text).toContain(`Une place s’est libérée : votre inscription à la formation « ${TITLE} » est maintenant confirmée.`);
    expect(promoted[1].text).toContain(WINTER_LINE);
    expect(await subjectsTo(people[2])).toEqual([`Liste d’attente : ${TITLE}`]);
  });

  test('someone waiting who leaves frees no seat: nobody is promoted', async () => {
    const people = await agents(api, 3);
    const sessionId = await createSession(api, team.editor.token, open.id, { capacity: 1 });
    const enrolments = await enrolInTurn(people, sessionId);
    await cancelEnrolment(people[1], enrolments[1].id);
    expect(await subjectsTo(people[2])).toEqual([`Liste d’attente : ${TITLE}`]);
  });

  test('raising the capacity promotes in arrival order and mails those promoted only, without "Session modifiée"', async () => {
    const people = await agents(api, 4);
    const sessionId = await createSession(api, team.editor.token, open.id, { capacity: 1 });
    await enrolInTurn(people, sessionId);
    await updateSession(sessionId, { capacity: 3 });
    expect(await Promise.all(people.map(subjectsTo))).toEqual([
      [`Inscription confirmée : ${TITLE}`],
      [`Liste d’attente : ${TITLE}`, `Une place s’est libérée : ${TITLE}`],
      [`Liste d’attente : ${TITLE}`, `Une place s’est libérée : ${TITLE}`],
      [`Liste d’attente : ${TITLE}`],
    ]);
  });
});

describe('a session changed', () => {
  test.each([
    ['dates', SUMMER, `${SUMMER_LINE}, à distance.`],
    ['location', { location: '  Lyon, 20 rue de la Gare ' }, `${WINTER_LINE}, Lyon, 20 rue de la Gare.`],
  ])('moving the %s mails "Session modifiée" to every agent seated or waiting, not to those who left', async (_, change, line) => {
    const people = await agents(api, 3);
    const sessionId = await createSession(api, team.editor.token, open.id, { ...WINTER, capacity: 1 });
    const enrolments = await enrolInTurn(people, sessionId);
    await cancelEnrolment(people[2], enrolments[2].id);
    await updateSession(sessionId, change);
    for (const agent of people.slice(0, 2)) {
      const mails = await mailsTo(agent);
      expect(mails).toHaveLength(2);
      expect(mails[1].subject).toBe(`Session modifiée : ${TITLE}`);
      expect(mails[1].text).toContain(`Les dates ou le lieu de la session de la formation « ${TITLE} » ont changé.`);
      expect(mails[1].text).toContain(line);
    }
    expect(await mailsTo(people[2])).toHaveLength(1);
  });

  test('a change of capacity or of the enrolment window alone, or the same dates and place sent again, sends no "Session modifiée"', async () => {
    const people = await agents(api, 2);
    const sessionId = await createSession(api, team.editor.token, open.id, { ...WINTER, capacity: 1, location: 'Lyon' });
    await enrolInTurn(people, sessionId);
    const before = await Promise.all(people.map(subjectsTo));
    await updateSession(sessionId, { capacity: 1_000, enrolmentClosesAt: day(30) });
    await updateSession(sessionId, { ...WINTER, location: ' Lyon ' });
    const after = await Promise.all(people.map(subjectsTo));
    expect(after.flat()).not.toContain(`Session modifiée : ${TITLE}`);
    // The capacity raised: the agent waiting got the seat, and that only.
    expect(after).toEqual([before[0], [...before[1], `Une place s’est libérée : ${TITLE}`]]);
  });

  test('cancelling the session mails "Session annulée" to everyone seated or waiting, not to those who had left', async () => {
    const people = await agents(api, 3);
    const sessionId = await createSession(api, team.editor.token, open.id, { ...WINTER, capacity: 1 });
    const enrolments = await enrolInTurn(people, sessionId);
    await cancelEnrolment(people[2], enrolments[2].id);
    await cancelSession(sessionId);
    for (const agent of people.slice(0, 2)) {
      const mails = await mailsTo(agent);
      expect(mails).toHaveLength(2);
      expect(mails[1].subject).toBe(`Session annulée : ${TITLE}`);
      expect(mails[1].text).toContain(`La session de la formation « ${TITLE} » à laquelle vous étiez inscrit est annulée ; votre inscription l’est aussi.`);
      expect(mails[1].text).toContain(WINTER_LINE);
    }
    expect(await subjectsTo(people[2])).toEqual([`Liste d’attente : ${TITLE}`]);
  });
});

test('completing an enrolment mails the holder the attestation’s code', async () => {
  const [agent] = await agents(api, 1);
  // Completion comes after the start: a session under way, still open to enrolment.
  const sessionId = await createSession(api, team.editor.token, open.id, { startsAt: day(-1), endsAt: day(1), enrolmentOpensAt: day(-2), enrolmentClosesAt: day(0.5) });
  const { id } = await enrolled(agent, sessionId);
  await mutate(`mutation($id: ID!) { completeEnrolment(enrolmentId: $id) { userErrors { field code message } } }`, { id });
  const [{ code }] = await api.sql<{ code: string }>(`SELECT code FROM attestation WHERE enrolment_id = $1`, [localId(id)]);
  const mails = await mailsTo(agent);
  expect(mails.map(mail => mail.subject)).toEqual([`Inscription confirmée : ${TITLE}`, `Votre attestation : ${TITLE}`]);
  const attestation = mails[1];
  expect(attestation.text).toContain(`Son code de vérification est ${code}.`);
  expect(attestation.html).toContain(code);
  expect(attestation.link).toBe(`${APP_URL}/attestations/${code}`);
  expect(attestation.html).toContain(`href="${attestation.link}"`);
});

test('a title with markup is escaped in the HTML part and kept as is in the text part, seated or waiting', async () => {
  const title = 'Sécurité <script>alert(1)</script> & co';
  const { id: trainingId } = await createDraft(api, team.editor.token, { title });
  await publish(api, team, trainingId);
  const people = await agents(api, 2);
  const sessionId = await createSession(api, team.editor.token, trainingId, { capacity: 1 });
  await enrolInTurn(people, sessionId);
  for (const [agent, subject] of [[people[0], `Inscription confirmée : ${title}`], [people[1], `Liste d’attente : ${title}`]] as const) {
    const [mail] = await mailsTo(agent);
    expect(mail.subject).toBe(subject);
    expect(mail.text).toContain(`« ${title} »`);
    expect(mail.html).toContain('« Sécurité &lt;script&gt;alert(1)&lt;/script&gt; &amp; co »');
    expect(mail.html).not.toContain('<script>');
  }
});
