import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { EXPLORER_CSP } from '../../src/http/explorer';
import { startTestApp, type TestApp } from '../support/test-app';

/** Debian's Chromium, driven by playwright-core (no browser download: the network is closed). */
const CHROMIUM = '/usr/bin/chromium';
/** Without these, Chromium reaches out to Google (updates, sync, field trials) and the closed network refuses. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let api: TestApp;
let browser: BrowserContext;
let profile: string;

// Once per CI run, in the embedded half: the page and the browser do not depend on the database, and
// the browser is the slowest part of the suite.
const onEmbedded = process.env.DATABASE_URL ? describe.skip : describe;

onEmbedded('GraphiQL in a real headless Chromium', () => {
  beforeAll(async () => {
    await access(CHROMIUM, constants.X_OK).catch(() => {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does it)`);
    });
    api = await startTestApp();
    profile = await mkdtemp(path.join(tmpdir(), 'explorer-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    await api?.stop();
  });

  const explorerPage = () => fetch(`${api.app.url}`, { headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' } });

  describe('GET /graphql from a browser: GraphiQL served by the API', () => {
    test('the page: HTML with a CSP that allows nothing external, nosniff, no referrer', async () => {
      const response = await explorerPage();
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = response.headers.get('content-security-policy');
      expect(csp).toBe(EXPLORER_CSP);
      const directives = new Map(csp!.split(/;\s*/).map(directive => [directive.split(' ')[0], directive.split(' ').slice(1).join(' ')]));
      expect(Object.fromEntries(directives)).toEqual({
        'default-src': "'none'",
        'script-src': "'self'",
        'style-src': "'self' 'unsafe-inline'",
        'img-src': "'self' data:",
        'font-src': "'self' data:",
        'connect-src': "'self'",
        'base-uri': "'none'",
        'form-action': "'none'",
        'frame-ancestors': "'none'",
      });
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await response.text();
      expect(html).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+/i); // no origin at all, ours included: every reference is a path
      const references = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map(match => match[1]);
      expect(references).toContain('data:,'); // an empty icon: no request for /favicon.ico
      expect(references.length).toBe(3);
      for (const reference of references.filter(other => other !== 'data:,')) expect(reference).toMatch(/^\/graphiql\/[\w.-]+-[A-Z0-9]{8}\.(js|css)$/);
      expect(html.match(/<script\b[^>]*>/g)).toEqual([expect.stringMatching(/^<script type="module" src="\/graphiql\//)]); // no inline script
      expect(html).not.toMatch(/<style\b|\son\w+=/i);
    });

    test('the assets: same origin, versioned by content hash, cached for a year, gzipped when asked', async () => {
      const html = await (await explorerPage()).text();
      const workers = JSON.parse(/data-workers="([^"]*)"/.exec(html)![1].replace(/&quot;/g, '"')) as Record<string, string>;
      expect(Object.keys(workers).sort()).toEqual(['editorWorkerService', 'graphql', 'json']);
      const files = [...[...html.matchAll(/\b(?:src|href)="(\/[^"]*)"/g)].map(match => match[1]), ...Object.values(workers)];
      expect(files.length).toBe(5);
      for (const file of files) {
        const response = await fetch(api.origin + file, { headers: { 'accept-encoding': 'gzip' } });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(file.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
        expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(response.headers.get('content-encoding')).toBe('gzip'); // fetch decodes it
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1_000);
      }
      const missing = await fetch(`${api.origin}/graphiql/explorer-AAAAAAAA.js`);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    });

    test('GraphQL itself is unchanged: a POST gets JSON, not the page', async () => {
      const { body, headers } = await api.gql('{ collections { slug } }', {}, { accept: 'text/html, application/json' });
      expect(headers.get('content-type')).toMatch(/json/);
      expect(body.data.collections).toContainEqual({ slug: 'achat-public' });
    });

    test('in headless Chromium: loads with no request leaving this machine and no CSP violation, runs a query, shows the answer', async () => {
      const page = await browser.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      browser.on('request', request => requests.push(request.url()));
      const failed: string[] = [];
      browser.on('response', response => {
        if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
      });
      page.on('console', message => {
        if (message.type() === 'error' || /Content.Security.Policy/i.test(message.text())) problems.push(`console: ${message.text()}`);
      });
      page.on('worker', worker => worker.on('console', message => {
        if (message.type() === 'error' || /Content.Security.Policy/i.test(message.text())) problems.push(`worker console: ${message.text()}`);
      }));
      page.on('pageerror', error => problems.push(`page error: ${error.message}`));
      // Also from the page itself: every violation fires `securitypolicyviolation` (an init script is not subject to the CSP).
      // Given as text: the tests are type-checked without the DOM's types.
      await page.addInitScript({
        content: `window.cspViolations = [];
          document.addEventListener('securitypolicyviolation', event => window.cspViolations.push(event.violatedDirective + ' ' + event.blockedURI));`,
      });

      await page.goto(api.app.url);
      const editor = page.locator('.graphiql-query-editor .monaco-editor');
      await editor.waitFor({ timeout: 30_000 });
      // Monaco has rendered the editor's lines.
      await page.locator('.graphiql-query-editor .view-lines').waitFor();

      await editor.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText('{ collections { slug } }');
      const sent = page.waitForRequest(request => request.method() === 'POST' && (request.postData() ?? '').includes('collections'));
      await page.locator('.graphiql-execute-button').click();
      expect(JSON.parse((await sent).postData()!).query).toMatch(/^\{ collections \{ slug \} \}\}*$/);
      // Locators run in Playwright's own isolated world (a waitForFunction would need 'unsafe-eval' in the page).
      await page.locator('.graphiql-response').filter({ hasText: 'achat-public' }).waitFor({ timeout: 30_000 });
      const answer = await page.locator('.graphiql-response').textContent();
      expect(answer).toContain('"slug"');

      const violations = (await page.evaluate('window.cspViolations')) as string[];
      expect(violations).toEqual([]);
      expect(failed).toEqual([]);
      expect(problems).toEqual([]);
      const elsewhere = requests.filter(url => !/^(https?:\/\/(localhost|127\.0\.0\.1)(:\d+)?\/|data:|blob:)/.test(url));
      expect(elsewhere).toEqual([]);
      expect(requests.some(url => url.includes('/graphiql/graphql.worker-'))).toBe(true); // Monaco's GraphQL worker came from here too
      await page.close();
    });
  });
});
