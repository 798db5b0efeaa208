import { generateKeyPairSync } from 'node:crypto';
import { recordChanges } from '../../src/integration/catalogue-changes';
import { ChangeType } from '../../src/integration/integration.enums';
import { ADMIN, ADMIN_ENV, bearer, login } from '../support/people';
import { eventually } from '../support/smtp';
import { startTestApp, type TestApp, type UserErrorView } from '../support/test-app';

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

const create = async (url: string) =>
  (await api.data<{ createWebhook: { webhook: { id: string; url: string } | null; secret: string | null; userErrors: UserErrorView[] } }>(
    CREATE, { input: { partner: 'maa', url, events: ['TRAINING_UPDATED'] } }, bearer(admin))).createWebhook;

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

test('the address is checked again at each delivery: a name that now leads to a private address is not called', async () => {
  const [webhook] = await api.sql<{ id: string }>(`SELECT id FROM webhook`);
  // As if the partner's name had been re-pointed at the loopback after creation (DNS rebinding).
  await api.sql(`UPDATE webhook SET url = 'https://localhost:1/hook' WHERE id = $1`, [webhook.id]);
  const [training] = await api.sql<{ id: string }>(`SELECT id FROM training WHERE status = 'PUBLISHED' LIMIT 1`);
  await api.app.database.dataSource.transaction(manager => recordChanges(manager, [{ type: ChangeType.TRAINING_UPDATED, trainingId: training.id }]));
  const [delivery] = await eventually(async () => {
    const rows = await api.sql(
      `SELECT m.attempts, m.status, m.last_error, d.response_status FROM webhook_delivery d JOIN outbox_message m ON m.id = d.outbox_message_id WHERE d.webhook_id = $1`,
      [webhook.id],
    );
    return rows[0]?.last_error ? rows : null;
  });
  expect(delivery).toMatchObject({ attempts: 1, status: 'PENDING', response_status: null });
  expect(delivery.last_error).toMatch(/localhost mène à (127\.0\.0\.1|::1) .* refusée/);
});
