import { generateKeyPairSync } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { recordChanges } from '../../src/integration/catalogue-changes';
import { ChangeType } from '../../src/integration/integration.enums';
import { setResolver, systemResolver } from '../../src/integration/webhook-address';
import { ADMIN, ADMIN_ENV, bearer, login } from '../support/people';
import { eventually } from '../support/smtp';
import { startTestApp, type TestApp, type UserErrorView } from '../support/test-app';
import { localId } from '../support/values';

const CREATE = `mutation($input: WebhookInput!) { createWebhook(input: $input) { webhook { id url } secret userErrors { field code message } } }`;

let api: TestApp;
let admin: string;
beforeAll(async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  api = await startTestApp({
    ...ADMIN_ENV,
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://mentor.example.gouv.fr',
    JWT_SECRET: 'un secret de test assez long pour la production',
    ATTESTATION_SIGNING_KEY: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  });
  admin = (await login(api, ADMIN.email, ADMIN.password)).token;
});
afterAll(() => api.stop());

const create = async (url: string, events = ['TRAINING_UPDATED']) =>
  (await api.data<{ createWebhook: { webhook: { id: string; url: string } | null; secret: string | null; userErrors: UserErrorView[] } }>(
    CREATE, { input: { partner: 'maa', url, events } }, bearer(admin))).createWebhook;

test('in production, a webhook must be https to a public address, whatever the spelling', async () => {
  const refused = [
    'http://93.184.215.14/hook',
    'https://localhost/hook',
    'https://127.0.0.1/hook',
    'https://2130706433/hook',
    'https://[::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://169.254.169.254/latest/meta-data/',
    'https://[::ffff:a9fe:a9fe]/',
    'https://10.1.2.3/hook',
    'https://192.168.0.10/hook',
    'https://[fd00:ec2::254]/',
    'https://[fe80::1]/',
    'https://0.0.0.0/',
  ];
  for (const url of refused) {
    const payload = await create(url);
    expect({ url, webhook: payload.webhook, secret: payload.secret, errors: payload.userErrors.map(error => [error.code, error.field]) })
      .toEqual({ url, webhook: null, secret: null, errors: [['VALIDATION', ['input', 'url']]] });
  }
  const [{ count }] = await api.sql(`SELECT count(*)::int AS count FROM webhook`);
  expect(count).toBe(0);
  const accepted = await create('https://93.184.215.14/hook');
  expect(accepted.userErrors).toEqual([]);
  expect(accepted.webhook?.url).toBe('https://93.184.215.14/hook');
});

test('the address is checked again at each attempt: a name re-pointed at the loopback or the metadata address after creation (DNS rebinding) is not called', async () => {
  // What would answer on the loopback: any connection counts, a TLS hello included.
  let connections = 0;
  const listener = createServer(socket => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>(resolve => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as AddressInfo;
  // Two partner names, public when the webhooks are created.
  const answers = new Map([['partenaire.example', '93.184.215.14'], ['miroir.example', '93.184.215.15']]);
  const asked: string[] = [];
  setResolver(api.app.database.dataSource, async hostname => {
    const address = answers.get(hostname);
    if (address === undefined) return systemResolver(hostname);
    asked.push(hostname);
    return [{ address, family: 4 }];
  });
  try {
    const loopback = await create(`https://partenaire.example:${port}/hook`, ['TRAINING_ARCHIVED']);
    const metadata = await create(`https://miroir.example:${port}/hook`, ['TRAINING_ARCHIVED']);
    expect([loopback.userErrors, metadata.userErrors]).toEqual([[], []]);
    answers.set('partenaire.example', '127.0.0.1');
    answers.set('miroir.example', '169.254.169.254');
    const [training] = await api.sql<{ id: string }>(`SELECT id FROM training WHERE status = 'PUBLISHED' LIMIT 1`);
    await api.app.database.dataSource.transaction(manager => recordChanges(manager, [{ type: ChangeType.TRAINING_ARCHIVED, trainingId: training.id }]));
    const { webhookDeliveries: deliveries } = await eventually(async () => {
      const page = await api.data<{ webhookDeliveries: { edges: { node: { status: string; attempts: number; responseStatus: number | null; lastError: string | null; attemptLog: { responseStatus: number | null; error: string }[] } }[] } }>(
        `query($id: ID!) { webhookDeliveries(webhookId: $id) { edges { node { status attempts responseStatus lastError attemptLog { responseStatus error } } } } }`,
        { id: loopback.webhook!.id },
        bearer(admin),
      );
      return page.webhookDeliveries.edges[0]?.node.lastError ? page : null;
    });
    const refusal = 'L’adresse partenaire.example mène à 127.0.0.1 (adresse IPv4 non publique) : refusée.';
    expect(deliveries.edges.map(edge => edge.node)).toEqual([
      { status: 'PENDING', attempts: 1, responseStatus: null, lastError: refusal, attemptLog: [{ responseStatus: null, error: refusal }] },
    ]);
    const [other] = await eventually(() => api.sql(
      `SELECT m.last_error FROM webhook_delivery d JOIN outbox_message m ON m.id = d.outbox_message_id WHERE d.webhook_id = $1 AND m.last_error IS NOT NULL`,
      [localId(metadata.webhook!.id)],
    ).then(rows => (rows.length ? rows : null)));
    expect(other.last_error).toBe('L’adresse miroir.example mène à 169.254.169.254 (adresse IPv4 non publique) : refusée.');
    // Each name resolved at creation, then again at the attempt; nothing reached the loopback.
    expect(asked.sort()).toEqual(['miroir.example', 'miroir.example', 'partenaire.example', 'partenaire.example']);
    expect(connections).toBe(0);
  } finally {
    setResolver(api.app.database.dataSource, systemResolver);
    await new Promise(resolve => listener.close(resolve));
  }
});
