import { generateKeyPairSync } from 'node:crypto';
import { EXPLORER_CSP } from '../../src/http/explorer';
import { startTestApp, type TestApp } from '../support/test-app';

let api: TestApp;
beforeAll(async () => {
  api = await startTestApp({
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://mentor.example.gouv.fr',
    JWT_SECRET: 'un secret de test assez long pour la production',
    ATTESTATION_SIGNING_KEY: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    GRAPHIQL: 'true',
  });
});
afterAll(() => api.stop());

test('in production with GRAPHIQL=true, a browser gets the page and every file it names, under the CSP', async () => {
  const page = await fetch(api.app.url, { headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' } });
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(page.headers.get('content-security-policy')).toBe(EXPLORER_CSP);
  const html = await page.text();
  const script = /<script type="module" src="([^"]+)"/.exec(html)![1];
  const style = /<link rel="stylesheet" href="([^"]+)"/.exec(html)![1];
  const workers = Object.values(JSON.parse(/data-workers="([^"]*)"/.exec(html)![1].replace(/&quot;/g, '"')) as Record<string, string>);
  expect(workers.length).toBe(3);
  for (const [file, contentType] of [[script, 'text/javascript; charset=utf-8'], [style, 'text/css; charset=utf-8'], ...workers.map(worker => [worker, 'text/javascript; charset=utf-8'])]) {
    const response = await fetch(api.origin + file, { headers: { 'accept-encoding': 'gzip' } });
    expect({ file, status: response.status, contentType: response.headers.get('content-type') }).toEqual({ file, status: 200, contentType });
    expect(response.headers.get('content-security-policy')).toBe(EXPLORER_CSP);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1_000);
  }
});
