import { Webhook as StandardWebhook } from 'standardwebhooks';
import { recordChanges } from '../../src/integration/catalogue-changes';
import { ChangeType } from '../../src/integration/integration.enums';
import { setResolver, systemResolver, type Resolver } from '../../src/integration/webhook-address';
import { clientToken } from '../support/accounts';
import { createDraft, editorialTeam, publish, type EditorialTeam } from '../support/editorial';
import { ADMIN, ADMIN_ENV, bearer, person, register, login } from '../support/people';
import { eventually } from '../support/smtp';
import { startTestApp, type TestApp, type UserErrorView } from '../support/test-app';
import { localId } from '../support/values';
import { WebhookReceiver } from './webhooks-receiver';

const CREATE = `mutation($input: WebhookInput!) { createWebhook(input: $input) {
  webhook { id url events active partner { slug } createdAt } secret userErrors { field code message } } }`;
const DELIVERIES = `query($id: ID!, $first: Int, $after: String) { webhookDeliveries(webhookId: $id, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id eventId type status attempts responseStatus lastError createdAt nextAttemptAt } } } }`;
const REDELIVER = `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { delivery { id eventId status attempts } userErrors { field code message } } }`;
const DELETE = `mutation($id: ID!) { deleteWebhook(id: $id) { deletedId userErrors { field code message } } }`;
const NODE = `query($w: ID!, $d: ID!) { w: node(id: $w) { id } d: node(id: $d) { id } }`;
const LIST = `query($partner: String!) { webhooks(partner: $partner) { id url events active } }`;

interface DeliveryView {
  id: string;
  eventId: string;
  type: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string | null;
}
interface Created {
  webhook: { id: string; url: string; events: string[]; active: boolean; partner: { slug: string } } | null;
  secret: string | null;
  userErrors: UserErrorView[];
}

let api: TestApp;
let team: EditorialTeam;
const receiver = new WebhookReceiver();
/** A published training the tests record events about (published before any webhook exists). */
let subject: { id: string; slug: string };
beforeAll(async () => {
  await receiver.start();
  api = await startTestApp(ADMIN_ENV);
  team = await editorialTeam(api);
  subject = await createDraft(api, team.editor.token, { title: 'Formation des événements de test' });
  await publish(api, team, subject.id);
});
afterAll(async () => {
  await api.stop();
  await receiver.stop();
});

async function createWebhook(token: string | null, input: Record<string, unknown>): Promise<Created> {
  return (await api.data<{ createWebhook: Created }>(CREATE, { input }, bearer(token))).createWebhook;
}
async function deliveries(token: string, webhookId: string, first?: number, after?: string) {
  return (await api.data<{ webhookDeliveries: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: DeliveryView }[] } }>(
    DELIVERIES, { id: webhookId, first, after }, bearer(token))).webhookDeliveries;
}
const nodesOf = (connection: { edges: { node: DeliveryView }[] }) => connection.edges.map(edge => edge.node);
/** The delivery's next attempt made due now, rather than waited for (its scheduled time is checked before). */
const dueNow = (deliveryId: string) =>
  api.sql(`UPDATE outbox_message SET next_attempt_at = now() WHERE id = (SELECT outbox_message_id FROM webhook_delivery WHERE id = $1)`, [localId(deliveryId)]);
/** Events as a change in the catalogue would record them, in one transaction. */
const record = (changes: { type: ChangeType; trainingId: string; sessionId?: string }[]) =>
  api.app.database.dataSource.transaction(manager => recordChanges(manager, changes));
/**
 * The spacing the sender scheduled after a delivery's last attempt, on the database's clock (the
 * attempt logged, then its retry set): what the receiver saw also holds the sender's own delays,
 * seconds under a loaded CI machine. And how long that attempt took, as the sender measured it.
 */
async function lastAttemptOf(deliveryId: string): Promise<{ retryAfter: number; durationMs: number }> {
  const [row] = await api.sql<{ retry_after: number; duration_ms: number }>(
    `SELECT extract(epoch FROM m.next_attempt_at - a.attempted_at)::float8 AS retry_after, a.duration_ms
     FROM webhook_delivery d JOIN outbox_message m ON m.id = d.outbox_message_id JOIN webhook_attempt a ON a.delivery_id = d.id
     WHERE d.id = $1 ORDER BY a.id DESC LIMIT 1`,
    [localId(deliveryId)],
  );
  return { retryAfter: row.retry_after, durationMs: row.duration_ms };
}

const verify = (secret: string, request: { body: string; headers: Record<string, unknown> }) =>
  new StandardWebhook(secret).verify(request.body, request.headers as Record<string, string>);


test('a publication is POSTed signed to the partner’s webhook: 500, then no answer in 15 s, then 200, retries spaced 10 s then 20 s; redelivered with the same webhook-id', async () => {
  receiver.plan('/mentor', [500, 'hang', 200]);
  const created = await createWebhook(team.editor.token, { partner: 'maa', url: receiver.url('/mentor'), events: ['TRAINING_PUBLISHED'] });
  expect(created.userErrors).toEqual([]);
  expect(created.webhook).toMatchObject({ url: receiver.url('/mentor'), events: ['TRAINING_PUBLISHED'], active: true, partner: { slug: 'maa' } });
  expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  expect(Buffer.from(created.secret!.slice('whsec_'.length), 'base64')).toHaveLength(32);
  const webhookId = created.webhook!.id;
  const secret = created.secret!;

  const published = await createDraft(api, team.editor.token);
  await publish(api, team, published.id);

  // Attempt 1: 500, retried about 10 s after it.
  await eventually(() => receiver.at('/mentor').length === 1);
  const [afterFirst] = nodesOf(await eventually(async () => {
    const page = await deliveries(team.editor.token, webhookId);
    return page.edges[0]?.node.lastError ? page : null;
  }));
  expect(afterFirst).toMatchObject({ type: 'TRAINING_PUBLISHED', status: 'PENDING', attempts: 1, responseStatus: 500, lastError: 'HTTP 500 : indisponible' });
  const firstAttempt = await lastAttemptOf(afterFirst.id);
  expect(firstAttempt.retryAfter).toBeGreaterThan(9.9);
  expect(firstAttempt.retryAfter).toBeLessThan(11.5);
  const [{ failing }] = await api.sql(`SELECT failing_since IS NOT NULL AS failing FROM webhook WHERE id = $1`, [localId(webhookId)]);
  expect(failing).toBe(true);

  // Attempt 2: no answer; given up after 15 s in all, retried about 20 s after that.
  await dueNow(afterFirst.id);
  await eventually(() => receiver.at('/mentor').length === 2);
  const [afterSecond] = nodesOf(await eventually(async () => {
    const page = await deliveries(team.editor.token, webhookId);
    return page.edges[0]?.node.lastError?.includes('15 s') ? page : null;
  }, 25_000));
  expect(afterSecond).toMatchObject({ status: 'PENDING', attempts: 2, responseStatus: null, lastError: 'pas de réponse complète en 15 s' });
  const secondAttempt = await lastAttemptOf(afterSecond.id);
  expect(secondAttempt.durationMs).toBeGreaterThanOrEqual(15_000);
  expect(secondAttempt.durationMs).toBeLessThan(17_000);
  expect(secondAttempt.retryAfter).toBeGreaterThan(19.9);
  expect(secondAttempt.retryAfter).toBeLessThan(21.5);

  // Attempt 3: 200.
  await dueNow(afterFirst.id);
  const [done] = nodesOf(await eventually(async () => {
    const page = await deliveries(team.editor.token, webhookId);
    return page.edges[0]?.node.status === 'SUCCEEDED' ? page : null;
  }));
  expect(done).toMatchObject({ status: 'SUCCEEDED', attempts: 3, responseStatus: 200, lastError: null, nextAttemptAt: null });
  // The log shows each attempt: 500, then no answer within 15 s, then 200.
  const { webhookDeliveries } = await api.data<{ webhookDeliveries: { edges: { node: { attemptLog: { responseStatus: number | null; error: string | null; durationMs: number }[] } }[] } }>(
    `query($id: ID!) { webhookDeliveries(webhookId: $id, first: 1) { edges { node { attemptLog { attemptedAt responseStatus error durationMs } } } } }`,
    { id: webhookId },
    bearer(team.editor.token),
  );
  const log = webhookDeliveries.edges[0].node.attemptLog;
  expect(log.map(attempt => [attempt.responseStatus, attempt.error])).toEqual([
    [500, 'HTTP 500 : indisponible'],
    [null, 'pas de réponse complète en 15 s'],
    [200, null],
  ]);
  expect(log[1].durationMs).toBeGreaterThanOrEqual(14_000);

  // Three POSTs of one event: the same webhook-id, each signed for its own timestamp, as Standard Webhooks verifies.
  const requests = receiver.at('/mentor');
  expect(requests).toHaveLength(3);
  for (const request of requests) {
    expect(request.headers['webhook-id']).toBe(done.eventId);
    expect(request.headers['content-type']).toBe('application/json');
    expect(verify(secret, request)).toEqual({
      type: 'TRAINING_PUBLISHED',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: { trainingId: published.id, slug: published.slug, sessionId: null },
    });
  }
  expect(() => verify(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, requests[0])).toThrow();
  const [{ failing: stillFailing }] = await api.sql(`SELECT failing_since IS NOT NULL AS failing FROM webhook WHERE id = $1`, [localId(webhookId)]);
  expect(stillFailing).toBe(false);
  // The event is the one the change feed holds.
  const [{ id: eventId }] = await api.sql(`SELECT id::text FROM catalogue_change WHERE training_id = $1 AND type = 'TRAINING_PUBLISHED'`, [localId(published.id)]);
  expect(done.eventId).toBe(eventId);
  const first = { webhookId, deliveryId: done.id, eventId, secret };

  // redeliverWebhook sends the event again as a new delivery, with the same webhook-id; the log pages newest first.
  const { redeliverWebhook } = await api.data<{ redeliverWebhook: { delivery: DeliveryView; userErrors: UserErrorView[] } }>(REDELIVER, { id: first.deliveryId }, bearer(team.editor.token));
  expect(redeliverWebhook.userErrors).toEqual([]);
  expect(redeliverWebhook.delivery).toMatchObject({ eventId: first.eventId, status: 'PENDING' });
  await eventually(() => receiver.at('/mentor').length === 4);
  const again = receiver.at('/mentor')[3];
  expect(again.headers['webhook-id']).toBe(first.eventId);
  expect(verify(first.secret, again)).toMatchObject({ type: 'TRAINING_PUBLISHED' });
  await eventually(async () => nodesOf(await deliveries(team.editor.token, first.webhookId))[0].status === 'SUCCEEDED');

  const page1 = await deliveries(team.editor.token, first.webhookId, 1);
  expect(page1.totalCount).toBe(2);
  expect(page1.pageInfo.hasNextPage).toBe(true);
  expect(nodesOf(page1)).toMatchObject([{ id: redeliverWebhook.delivery.id, attempts: 1, status: 'SUCCEEDED' }]);
  const page2 = await deliveries(team.editor.token, first.webhookId, 1, page1.pageInfo.endCursor);
  expect(nodesOf(page2)).toMatchObject([{ id: first.deliveryId, attempts: 3 }]);
  expect(page2.pageInfo.hasNextPage).toBe(false);
}, 90_000);

test('each event goes, in its own transaction, to every active webhook subscribed to its type; one statement whatever their number', async () => {
  const a = await createWebhook(team.admin.token, { partner: 'maa', url: receiver.url('/a'), events: ['TRAINING_ARCHIVED', 'SESSION_CREATED'] });
  const b = await createWebhook(team.admin.token, { partner: 'dinum', url: receiver.url('/b'), events: ['SESSION_CREATED'] });
  const off = await createWebhook(team.admin.token, { partner: 'maa', url: receiver.url('/off'), events: ['SESSION_CREATED'] });
  await api.sql(`UPDATE webhook SET active = false WHERE id = $1`, [localId(off.webhook!.id)]);
  const trainingId = localId(subject.id);
  const [{ id: sessionId }] = await api.sql(`SELECT gen_random_uuid() AS id`);
  let statements = 0;
  await api.app.database.dataSource.transaction(async manager => {
    const query = manager.queryRunner!.query.bind(manager.queryRunner);
    manager.queryRunner!.query = ((...args: Parameters<typeof query>) => {
      if (!/^(COMMIT|ROLLBACK)/.test(args[0])) statements += 1;
      return query(...args);
    }) as typeof query;
    await recordChanges(manager, [
      { type: ChangeType.SESSION_CREATED, trainingId, sessionId },
      { type: ChangeType.SESSION_UPDATED, trainingId, sessionId },
      { type: ChangeType.TRAINING_ARCHIVED, trainingId },
    ]);
  });
  expect(statements).toBe(1);
  await eventually(() => receiver.at('/a').length === 2 && receiver.at('/b').length === 1);
  expect(receiver.at('/a').map(request => JSON.parse(request.body).type).sort()).toEqual(['SESSION_CREATED', 'TRAINING_ARCHIVED']);
  expect(JSON.parse(receiver.at('/b')[0].body)).toMatchObject({ type: 'SESSION_CREATED', data: { trainingId: subject.id, slug: subject.slug, sessionId: expect.any(String) } });
  expect(receiver.at('/off')).toEqual([]);
  // A rolled-back change queues nothing.
  await expect(api.app.database.dataSource.transaction(async manager => {
    await recordChanges(manager, [{ type: ChangeType.SESSION_CREATED, trainingId, sessionId }]);
    throw new Error('rolled back');
  })).rejects.toThrow('rolled back');
  const [{ count }] = await api.sql(`SELECT count(*)::int AS count FROM webhook_delivery WHERE webhook_id = ANY($1::uuid[])`, [[a, b, off].map(w => localId(w.webhook!.id))]);
  expect(count).toBe(3);
  for (const created of [a, b, off]) expect((await api.data<{ deleteWebhook: { userErrors: UserErrorView[] } }>(DELETE, { id: created.webhook!.id }, bearer(team.admin.token))).deleteWebhook.userErrors).toEqual([]);
});

test('rights: the partner’s editors, admins and its clients with webhooks:manage; nobody else', async () => {
  const agentId = await register(api, 'agent.webhooks@agriculture.gouv.fr');
  const agent = { id: agentId, token: (await login(api, 'agent.webhooks@agriculture.gouv.fr')).token };
  const otherEditor = await person(api, team.admin.token, 'editeur.webhooks@numerique.gouv.fr', [['EDITOR', 'dinum']]);
  const refused: [string, string | null, string][] = [
    ['anonymous', null, 'UNAUTHENTICATED'],
    ['an agent', agent.token, 'FORBIDDEN'],
    ['an editor of another partner', otherEditor.token, 'FORBIDDEN'],
    ['a committee member', team.editorial.token, 'FORBIDDEN'],
    ['a client without the scope', await clientToken(api, team.admin.token, 'maa', ['catalogue:write']), 'FORBIDDEN'],
    ['a client of another partner', await clientToken(api, team.admin.token, 'dinum', ['webhooks:manage']), 'FORBIDDEN'],
    ['a revoked client', await clientToken(api, team.admin.token, 'maa', ['webhooks:manage'], { revoked: true }), 'FORBIDDEN'],
  ];
  // The partner's own webhook with one delivery, for the operations on existing ones.
  const own = await createWebhook(team.editor.token, { partner: 'maa', url: receiver.url('/own'), events: ['SESSION_UPDATED'] });
  await record([{ type: ChangeType.SESSION_UPDATED, trainingId: localId(subject.id) }]);
  const ownDelivery = await eventually(async () => nodesOf(await deliveries(team.editor.token, own.webhook!.id))[0]);
  const first = { webhookId: own.webhook!.id, deliveryId: ownDelivery.id };
  const [{ before }] = await api.sql(`SELECT (SELECT count(*) FROM webhook)::int + (SELECT count(*) FROM webhook_delivery)::int AS before`);
  for (const [who, token, code] of refused) {
    const attempts = [
      api.gql(CREATE, { input: { partner: 'maa', url: receiver.url('/x'), events: ['TRAINING_PUBLISHED'] } }, bearer(token)),
      api.gql(LIST, { partner: 'maa' }, bearer(token)),
      api.gql(DELIVERIES, { id: first.webhookId }, bearer(token)),
      api.gql(REDELIVER, { id: first.deliveryId }, bearer(token)),
      api.gql(DELETE, { id: first.webhookId }, bearer(token)),
    ];
    for (const { body } of await Promise.all(attempts)) {
      expect({ who, code: body.errors?.[0]?.extensions?.code }).toEqual({ who, code });
    }
    // node(id) does not tell them either.
    const seen = await api.data<{ w: object | null; d: object | null }>(NODE, { w: first.webhookId, d: first.deliveryId }, bearer(token));
    expect({ who, seen }).toEqual({ who, seen: { w: null, d: null } });
  }
  const [{ after }] = await api.sql(`SELECT (SELECT count(*) FROM webhook)::int + (SELECT count(*) FROM webhook_delivery)::int AS after`);
  expect(after).toBe(before);

  const allowed: [string, string][] = [
    ['the partner’s editor', team.editor.token],
    ['an admin', team.admin.token],
    ['the partner’s client with webhooks:manage', await clientToken(api, team.admin.token, 'maa', ['webhooks:manage'])],
  ];
  for (const [who, token] of allowed) {
    const created = await createWebhook(token, { partner: 'maa', url: receiver.url('/rights'), events: ['SESSION_CANCELLED'] });
    expect({ who, errors: created.userErrors }).toEqual({ who, errors: [] });
    const { webhooks } = await api.data<{ webhooks: { id: string }[] }>(LIST, { partner: 'maa' }, bearer(token));
    expect(webhooks.map(webhook => webhook.id)).toEqual(expect.arrayContaining([first.webhookId, created.webhook!.id]));
    expect((await deliveries(token, first.webhookId)).totalCount).toBe(1);
    expect(await api.data(NODE, { w: first.webhookId, d: first.deliveryId }, bearer(token))).toEqual({ w: { id: first.webhookId }, d: { id: first.deliveryId } });
    const { deleteWebhook } = await api.data<{ deleteWebhook: { deletedId: string; userErrors: UserErrorView[] } }>(DELETE, { id: created.webhook!.id }, bearer(token));
    expect(deleteWebhook).toEqual({ deletedId: created.webhook!.id, userErrors: [] });
  }
  // Unknown ids and bad input are user errors.
  const bad = await createWebhook(team.admin.token, { partner: 'inconnu', url: receiver.url('/x'), events: ['TRAINING_PUBLISHED'] });
  expect(bad.userErrors).toMatchObject([{ code: 'NOT_FOUND', field: ['input', 'partner'] }]);
  const none = await createWebhook(team.admin.token, { partner: 'maa', url: 'pas-une-url', events: [] });
  expect(none.userErrors.map(error => error.field)).toEqual([['input', 'events']]);
  const notUrl = await createWebhook(team.admin.token, { partner: 'maa', url: 'pas-une-url', events: ['TRAINING_PUBLISHED'] });
  expect(notUrl.userErrors).toMatchObject([{ code: 'VALIDATION', field: ['input', 'url'] }]);
  const gone = await api.data<{ deleteWebhook: { userErrors: UserErrorView[] } }>(DELETE, { id: subject.id }, bearer(team.admin.token));
  expect(gone.deleteWebhook.userErrors).toMatchObject([{ code: 'NOT_FOUND', field: ['id'] }]);
});

test('a webhook failing for 24 hours is deactivated, its pending deliveries given up, and the partner’s editors told by e-mail', async () => {
  receiver.plan('/down', [], 503);
  const created = await createWebhook(team.editor.token, { partner: 'maa', url: receiver.url('/down'), events: ['TRAINING_UPDATED'] });
  const webhookId = localId(created.webhook!.id);
  // The first failure was 25 hours ago (time moved back in SQL rather than waited for).
  await api.sql(`UPDATE webhook SET failing_since = now() - interval '25 hours' WHERE id = $1`, [webhookId]);
  await record([{ type: ChangeType.TRAINING_UPDATED, trainingId: localId(subject.id) }]);
  const [delivery] = nodesOf(await eventually(async () => {
    const page = await deliveries(team.editor.token, created.webhook!.id);
    return page.edges[0]?.node.status === 'FAILED' ? page : null;
  }));
  expect(delivery).toMatchObject({ status: 'FAILED', attempts: 1, responseStatus: 503, nextAttemptAt: null });
  expect(delivery.lastError).toContain('webhook désactivé après 24 h d’échecs');
  const { webhooks } = await api.data<{ webhooks: { id: string; active: boolean }[] }>(LIST, { partner: 'maa' }, bearer(team.editor.token));
  expect(webhooks.find(webhook => webhook.id === created.webhook!.id)?.active).toBe(false);
  const mails = await api.sql(`SELECT payload->>'to' AS to, payload->>'subject' AS subject, payload->>'text' AS text FROM outbox_message WHERE channel = 'mail' AND payload->>'subject' LIKE '%webhook%'`);
  expect(mails).toEqual([{ to: 'editeur@agriculture.gouv.fr', subject: 'Un webhook Mentor a été désactivé', text: expect.stringContaining(receiver.url('/down')) }]);
  // No new event is queued for it; it cannot be redelivered.
  await record([{ type: ChangeType.TRAINING_UPDATED, trainingId: localId(subject.id) }]);
  expect((await deliveries(team.editor.token, created.webhook!.id)).totalCount).toBe(1);
  const { redeliverWebhook } = await api.data<{ redeliverWebhook: { userErrors: UserErrorView[] } }>(REDELIVER, { id: delivery.id }, bearer(team.editor.token));
  expect(redeliverWebhook.userErrors).toMatchObject([{ code: 'INVALID_TRANSITION' }]);
  expect(receiver.at('/down')).toHaveLength(1);
});

test('the request goes to the address the name resolved to at this attempt, the URL’s host kept as Host', async () => {
  // partenaire.example resolves nowhere but here: had the request resolved the name again, it would not arrive.
  const asked: string[] = [];
  setResolver(api.app.database.dataSource, async hostname => {
    if (hostname !== 'partenaire.example') return systemResolver(hostname);
    asked.push(hostname);
    return [{ address: '127.0.0.1', family: 4 }];
  });
  try {
    const url = `http://partenaire.example:${receiver.port}/named`;
    const created = await createWebhook(team.editor.token, { partner: 'maa', url, events: ['SESSION_CANCELLED'] });
    expect(created.userErrors).toEqual([]);
    await record([{ type: ChangeType.SESSION_CANCELLED, trainingId: localId(subject.id) }]);
    await eventually(() => receiver.at('/named').length === 1);
    expect(receiver.at('/named')[0].headers.host).toBe(`partenaire.example:${receiver.port}`);
    // Resolved at creation, then again at the attempt.
    expect(asked).toEqual(['partenaire.example', 'partenaire.example']);
    await eventually(async () => nodesOf(await deliveries(team.editor.token, created.webhook!.id))[0]?.status === 'SUCCEEDED');
    expect((await api.data<{ deleteWebhook: { userErrors: UserErrorView[] } }>(DELETE, { id: created.webhook!.id }, bearer(team.editor.token))).deleteWebhook.userErrors).toEqual([]);
  } finally {
    setResolver(api.app.database.dataSource, systemResolver);
  }
});

test('a receiver that never answers, or a name that never resolves, does not hold the process’s shutdown', async () => {
  // An app of its own, since the test stops it.
  const own = await startTestApp({ ...ADMIN_ENV, DEMO_DATA: 'false' });
  try {
    receiver.plan('/never', [], 'hang');
    // lent.example resolves at creation; its next resolution never ends.
    let lookups = 0;
    const resolve: Resolver = async hostname => {
      if (hostname !== 'lent.example') return systemResolver(hostname);
      lookups += 1;
      return lookups === 1 ? [{ address: '127.0.0.1', family: 4 }] : new Promise(() => undefined);
    };
    setResolver(own.app.database.dataSource, resolve);
    const admin = await login(own, ADMIN.email, ADMIN.password);
    for (const url of [receiver.url('/never'), `http://lent.example:${receiver.port}/lent`]) {
      const { createWebhook: created } = await own.data<{ createWebhook: Created }>(CREATE, { input: { partner: 'maa', url, events: ['TRAINING_ARCHIVED'] } }, bearer(admin.token));
      expect(created.userErrors).toEqual([]);
    }
    const training = await createDraft(own, admin.token);
    await own.app.database.dataSource.transaction(manager => recordChanges(manager, [{ type: ChangeType.TRAINING_ARCHIVED, trainingId: localId(training.id) }]));
    await eventually(() => receiver.at('/never').length === 1 && lookups === 2);
    const started = Date.now();
    await own.app.stop();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(receiver.at('/lent')).toEqual([]);
  } finally {
    await own.stop();
  }
});
