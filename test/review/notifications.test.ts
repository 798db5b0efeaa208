import { createDraft, editorialTeam, publish, review, sendReview, submit, updateTraining, type EditorialTeam } from '../support/editorial';
import { ADMIN_ENV, bearer, person, type Person } from '../support/people';
import { startTestApp, type TestApp, type UserErrorView } from '../support/test-app';

/** The addresses `editorialTeam` registers. */
const EDITOR = 'editeur@agriculture.gouv.fr';
const EDITORIAL = 'comite.editorial@numerique.gouv.fr';
const TECHNICAL = 'comite.technique@numerique.gouv.fr';
const QUIET_MEMBER = 'comite.silencieux@numerique.gouv.fr';
const QUIET_EDITOR = 'editeur.silencieux@agriculture.gouv.fr';
const MEMBER_EDITING_MAA = 'double.casquette@agriculture.gouv.fr';
const MEMBER_EDITING_DGAFP = 'comite.dgafp@fonction-publique.gouv.fr';

let api: TestApp;
let team: EditorialTeam;
let quietMember: Person;
let quietEditor: Person;

interface QueuedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  link: string;
}

/** The e-mails queued about this training (their link names it), oldest first. */
const mailsAbout = (trainingId: string): Promise<QueuedMail[]> =>
  api.sql<QueuedMail>(
    `SELECT payload->>'to' AS to, payload->>'subject' AS subject, payload->>'text' AS text, payload->>'html' AS html, payload->>'link' AS link
     FROM outbox_message WHERE channel = 'mail' AND payload->>'link' LIKE '%/relecture/' || $1 ORDER BY id`,
    [trainingId],
  );
const recipients = (mails: QueuedMail[]) => mails.map(mail => mail.to).sort();
const outboxSize = async () => Number((await api.sql<{ count: string }>(`SELECT count(*) FROM outbox_message`))[0].count);

const PREFERENCES = `mutation($input: NotificationPreferencesInput!) { updateNotificationPreferences(input: $input) {
  user { notificationPreferences { reviewDecisions newSubmissions } } userErrors { field code message } } }`;
interface PreferencesPayload {
  updateNotificationPreferences: { user: { notificationPreferences: { reviewDecisions: boolean; newSubmissions: boolean } | null } | null; userErrors: UserErrorView[] };
}

beforeAll(async () => {
  api = await startTestApp(ADMIN_ENV);
  team = await editorialTeam(api);
  quietMember = await person(api, team.admin.token, QUIET_MEMBER, [['EDITORIAL_COMMITTEE']]);
  quietEditor = await person(api, team.admin.token, QUIET_EDITOR, [['EDITOR', 'maa']]);
  await person(api, team.admin.token, MEMBER_EDITING_MAA, [['TECHNICAL_COMMITTEE'], ['EDITOR', 'maa']]);
  await person(api, team.admin.token, MEMBER_EDITING_DGAFP, [['EDITORIAL_COMMITTEE'], ['TECHNICAL_COMMITTEE'], ['EDITOR', 'dgafp']]);
  const { updateNotificationPreferences: offSubmissions } = await api.data<PreferencesPayload>(PREFERENCES, { input: { newSubmissions: false } }, bearer(quietMember.token));
  expect(offSubmissions).toEqual({ user: { notificationPreferences: { reviewDecisions: true, newSubmissions: false } }, userErrors: [] });
  const { updateNotificationPreferences: offDecisions } = await api.data<PreferencesPayload>(PREFERENCES, { input: { reviewDecisions: false } }, bearer(quietEditor.token));
  expect(offDecisions).toEqual({ user: { notificationPreferences: { reviewDecisions: false, newSubmissions: true } }, userErrors: [] });
});
afterAll(() => api.stop());

const submitted = async (overrides: Record<string, unknown> = {}) => {
  const { id } = await createDraft(api, team.editor.token, overrides);
  expect((await submit(api, team.editor.token, id)).userErrors).toEqual([]);
  return id;
};

describe('a submission', () => {
  it('mails the members of both committees who may review it, not its editors, admins nor members who turned it off', async () => {
    const title = 'Formation à signaler aux comités';
    const id = await submitted({ title });
    const mails = await mailsAbout(id);
    // Not: the editor who submitted, the other editor of maa, the admin, the member who also edits maa, the member who turned it off.
    expect(recipients(mails)).toEqual([MEMBER_EDITING_DGAFP, EDITORIAL, TECHNICAL].sort());
    for (const mail of mails) {
      expect(mail.subject).toBe(`Formation à examiner : ${title}`);
      expect(mail.text).toContain(`La formation « ${title} » a été soumise aux comités.`);
      expect(mail.link).toMatch(new RegExp(`^https?://[^/]+/relecture/${id}$`));
      expect(mail.text).toContain(mail.link);
      expect(mail.html).toContain(`href="${mail.link}"`);
    }
    const byRecipient = Object.fromEntries(mails.map(mail => [mail.to, mail.text]));
    expect(byRecipient[EDITORIAL]).toContain('Elle attend la décision du comité éditorial.');
    expect(byRecipient[TECHNICAL]).toContain('Elle attend la décision du comité technique.');
    expect(byRecipient[MEMBER_EDITING_DGAFP]).toContain('Elle attend la décision du comité éditorial et du comité technique.');
  });

  it('is not mailed when refused', async () => {
    const id = await submitted();
    const before = await outboxSize();
    const again = await submit(api, team.editor.token, id);
    expect(again.userErrors.map(error => error.code)).toEqual(['INVALID_TRANSITION']);
    expect(await outboxSize()).toBe(before);
  });

  it('escapes the title in the HTML part', async () => {
    const title = '<script>alert("Mentor")</script> & co';
    const id = await submitted({ title });
    const [mail] = await mailsAbout(id);
    expect(mail.subject).toBe(`Formation à examiner : ${title}`);
    expect(mail.text).toContain(`« ${title} »`);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;Mentor&quot;)&lt;/script&gt; &amp; co');
  });
});

describe('a committee decision', () => {
  it('mails the editors of the partner who want it, with the comment', async () => {
    const title = 'Formation à reprendre';
    const id = await submitted({ title });
    const before = (await mailsAbout(id)).length;
    const comment = 'Précisez les objectifs.\n\nEt le public <b>visé</b>.';
    expect((await review(api, team.technical.token, id, 'TECHNICAL', 'REQUEST_CHANGES', comment)).userErrors).toEqual([]);
    const mails = (await mailsAbout(id)).slice(before);
    // The committee member who also edits maa is told as its editor; not the editor who turned it off, nor the reviewer, nor the other committee.
    expect(recipients(mails)).toEqual([MEMBER_EDITING_MAA, EDITOR].sort());
    const mail = mails.find(sent => sent.to === EDITOR)!;
    expect(mail.subject).toBe(`Modifications demandées : ${title}`);
    expect(mail.text).toContain(`Le comité technique demande des modifications sur la formation « ${title} ».`);
    expect(mail.text).toContain('Précisez les objectifs.\n\nEt le public <b>visé</b>.');
    expect(mail.html).toContain('<p>Et le public &lt;b&gt;visé&lt;/b&gt;.</p>');
    expect(mail.text).toContain(mail.link);
  });

  it('says when the training is published, and mails a rejection', async () => {
    const id = await submitted({ title: 'Formation approuvée' });
    const before = (await mailsAbout(id)).length;
    expect((await review(api, team.editorial.token, id, 'EDITORIAL', 'APPROVE')).userErrors).toEqual([]);
    expect((await review(api, team.technical.token, id, 'TECHNICAL', 'APPROVE', 'Très bien.')).training?.status).toBe('PUBLISHED');
    const mails = (await mailsAbout(id)).slice(before);
    expect(recipients(mails)).toEqual([MEMBER_EDITING_MAA, MEMBER_EDITING_MAA, EDITOR, EDITOR].sort());
    const [first, second] = mails.filter(mail => mail.to === EDITOR);
    expect(first.subject).toBe('Approuvée par le comité éditorial : Formation approuvée');
    expect(first.text).toContain('La publication attend encore la décision du comité technique.');
    expect(second.subject).toBe('Formation publiée : Formation approuvée');
    expect(second.text).toContain('Les deux comités l’ont approuvée : elle est publiée dans le catalogue.');
    expect(second.text).toContain('Très bien.');

    const rejected = await submitted({ title: 'Formation refusée' });
    const already = (await mailsAbout(rejected)).length;
    expect((await review(api, team.editorial.token, rejected, 'EDITORIAL', 'REJECT', 'Hors du périmètre de Mentor.')).userErrors).toEqual([]);
    const rejection = (await mailsAbout(rejected)).slice(already).find(mail => mail.to === EDITOR)!;
    expect(rejection.subject).toBe('Formation refusée : Formation refusée');
    expect(rejection.text).toContain('Hors du périmètre de Mentor.');
  });

  it('on a pending revision says so, to the committees and then to the editors', async () => {
    const title = 'Formation publiée puis révisée';
    const { id } = await createDraft(api, team.editor.token, { title });
    await publish(api, team, id);
    expect((await updateTraining(api, team.editor.token, id, { summary: 'Un résumé revu.' })).userErrors).toEqual([]);
    const before = (await mailsAbout(id)).length;
    expect((await submit(api, team.editor.token, id)).userErrors).toEqual([]);
    const submission = (await mailsAbout(id)).slice(before);
    expect(recipients(submission)).toEqual([MEMBER_EDITING_DGAFP, EDITORIAL, TECHNICAL].sort());
    expect(submission[0].subject).toBe(`Modifications à examiner : ${title}`);
    expect(submission[0].text).toContain(`Des modifications de la formation publiée « ${title} » ont été soumises aux comités.`);

    expect((await review(api, team.editorial.token, id, 'EDITORIAL', 'REJECT', 'Le résumé était meilleur.')).userErrors).toEqual([]);
    const rejection = (await mailsAbout(id)).slice(before + submission.length).find(mail => mail.to === EDITOR)!;
    expect(rejection.subject).toBe(`Modifications refusées : ${title}`);
    expect(rejection.text).toContain(`Le comité éditorial a refusé les modifications proposées pour la formation « ${title} ». La version en ligne reste inchangée.`);
  });

  it('is not mailed when refused', async () => {
    const id = await submitted();
    const before = await outboxSize();
    const { body } = await sendReview(api, team.technical.token, id, 'TECHNICAL', 'REQUEST_CHANGES');
    expect(body.data?.reviewTraining.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION', field: ['input', 'comment'] })]);
    expect(await outboxSize()).toBe(before);
  });
});

describe('User.notificationPreferences', () => {
  const FIELDS = 'id email notificationPreferences { reviewDecisions newSubmissions }';

  it('is the owner’s own through `me`', async () => {
    const { me } = await api.data<{ me: unknown }>(`{ me { ${FIELDS} } }`, {}, bearer(quietEditor.token));
    expect(me).toEqual({ id: quietEditor.id, email: QUIET_EDITOR, notificationPreferences: { reviewDecisions: false, newSubmissions: true } });
  });

  it('is null for anyone else, even an admin who may read the account', async () => {
    const { node } = await api.data<{ node: unknown }>(`query($id: ID!) { node(id: $id) { ... on User { ${FIELDS} } } }`, { id: quietEditor.id }, bearer(team.admin.token));
    expect(node).toEqual({ id: quietEditor.id, email: QUIET_EDITOR, notificationPreferences: null });
  });
});
