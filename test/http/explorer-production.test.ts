import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/config';
import { startTestApp, type TestApp } from '../support/test-app';

const PRODUCTION = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://mentor.example.gouv.fr',
  JWT_SECRET: 'un secret de test assez long pour la production',
  ATTESTATION_SIGNING_KEY: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
};

let api: TestApp;
beforeAll(async () => {
  api = await startTestApp(PRODUCTION);
});
afterAll(() => api.stop());

test('GRAPHIQL: on outside production, off in production unless asked for, and a bad value stops the start', () => {
  const production = { ...PRODUCTION, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mentor' };
  expect(loadConfig({}).graphiql).toBe(true);
  expect(loadConfig({ NODE_ENV: 'test' }).graphiql).toBe(true);
  expect(loadConfig({ GRAPHIQL: 'false' }).graphiql).toBe(false);
  expect(loadConfig(production).graphiql).toBe(false);
  expect(loadConfig({ ...production, GRAPHIQL: 'true' }).graphiql).toBe(true);
  expect(() => loadConfig({ ...production, GRAPHIQL: 'peut-être' })).toThrow(ConfigError);
});

test('in production without GRAPHIQL, a browser visiting /graphql gets no explorer, and no explorer file is served', async () => {
  const response = await fetch(api.app.url, { headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' } });
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).not.toMatch(/html/);
  const body = await response.text();
  expect(body).not.toMatch(/<html|graphiql|<script/i);
  const asset = await fetch(`${api.origin}/graphiql/explorer-AAAAAAAA.js`);
  expect(asset.status).toBe(404);
  expect(await asset.text()).not.toContain('graphiql');
});

test('GraphQL over HTTP still answers in production', async () => {
  const { collections } = await api.data<{ collections: { slug: string }[] }>('{ collections { slug } }');
  expect(collections.map(collection => collection.slug)).toContain('achat-public');
});
