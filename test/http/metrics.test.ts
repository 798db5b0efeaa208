import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/config';
import { ApiMetrics, routePattern } from '../../src/http/metrics';
import { agents, bearer, registerUnverified } from '../support/people';
import { startTestApp, type TestApp } from '../support/test-app';

const TOKEN = 'jeton-des-metriques-de-test-2026';

let api: TestApp;
beforeAll(async () => {
  api = await startTestApp({ METRICS_TOKEN: TOKEN });
});
afterAll(() => api.stop());

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus's text exposition format, as prom-client writes it: `name{label="value",…} number`. */
function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter(line => line !== '' && !line.startsWith('#'))
    .map(line => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, name, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[name] = value;
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

async function scrapeText(): Promise<string> {
  const response = await fetch(`${api.origin}/metrics`, { headers: bearer(TOKEN) });
  expect(response.status).toBe(200);
  return response.text();
}

async function scrape(): Promise<Sample[]> {
  return parse(await scrapeText());
}

/** The value of the one series with these labels, 0 when it does not exist yet. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const matching = samples.filter(sample => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  expect(matching.length).toBeLessThanOrEqual(1);
  return matching[0]?.value ?? 0;
}

const operations = (samples: Sample[]) => new Set(samples.filter(sample => sample.name === 'mentor_http_request_duration_seconds_count').map(sample => sample.labels.operation));

const post = (query: string, headers: Record<string, string> = {}) =>
  fetch(api.app.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) }).then(async response => {
    await response.arrayBuffer();
    return response.status;
  });

describe('GET /metrics with METRICS_TOKEN', () => {
  test('refuses a missing, wrong or differently sent token, with 401 and the contract’s error shape', async () => {
    for (const headers of [{}, bearer('jeton-des-metriques-de-test-2025'), bearer(TOKEN.slice(0, -1)), bearer(`${TOKEN}x`), { authorization: `Basic ${TOKEN}` }, { authorization: TOKEN }]) {
      const response = await fetch(`${api.origin}/metrics`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      const body = (await response.json()) as { error: { code: string } };
      expect(body.error.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(body)).not.toContain('mentor_');
    }
  });

  test('answers the Prometheus text format to the right token, with Node’s default metrics', async () => {
    const response = await fetch(`${api.origin}/metrics`, { headers: bearer(TOKEN) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const samples = parse(await response.text());
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
      expect(samples.some(sample => sample.name === name)).toBe(true);
    }
  });

  test('METRICS_TOKEN must be long enough and header-safe', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'court' })).toThrow(ConfigError);
    expect(() => loadConfig({ METRICS_TOKEN: 'un jeton avec des espaces dedans' })).toThrow(/METRICS_TOKEN/);
    expect(loadConfig({ METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
    expect(loadConfig({}).metricsToken).toBeNull();
  });
});

describe('what the metrics count', () => {
  test('two trainings queries, however named and aliased, raise query:trainings by 2, with their SQL statements', async () => {
    const before = await scrape();
    const labels = { operation: 'query:trainings' };
    expect(await post('query PageCatalogue { liste: trainings(first: 2) { totalCount } }')).toBe(200);
    expect(await post('{ trainings(first: 1) { edges { node { id } } } }')).toBe(200);
    const after = await scrape();
    expect(valueOf(after, 'mentor_http_request_duration_seconds_count', labels) - valueOf(before, 'mentor_http_request_duration_seconds_count', labels)).toBe(2);
    expect(valueOf(after, 'mentor_graphql_sql_statements_count', labels) - valueOf(before, 'mentor_graphql_sql_statements_count', labels)).toBe(2);
    expect(valueOf(after, 'mentor_graphql_sql_statements_sum', labels)).toBeGreaterThan(valueOf(before, 'mentor_graphql_sql_statements_sum', labels));
    expect(valueOf(after, 'mentor_http_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(valueOf(after, 'mentor_http_request_duration_seconds_count', labels));
    expect(after.some(sample => sample.labels.operation === 'PageCatalogue' || sample.labels.operation?.includes('liste'))).toBe(false);
  });

  test('several root fields make one label, sorted; a route is labelled by its pattern', async () => {
    const before = await scrape();
    expect(await post('{ partners { slug } collections { slug } }')).toBe(200);
    const code = `INCONNU${randomBytes(4).toString('hex').toUpperCase()}`;
    const missing = await fetch(`${api.origin}/attestations/${code}.pdf`);
    expect(missing.status).toBe(404);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) => valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(delta('mentor_http_request_duration_seconds_count', { operation: 'query:collections+partners' })).toBe(1);
    expect(delta('mentor_http_request_duration_seconds_count', { operation: 'GET /attestations/:param.pdf' })).toBe(1);
    expect(delta('mentor_errors_total', { kind: 'http', code: 'NOT_FOUND' })).toBe(1);
    expect(await scrapeText()).not.toContain(code);
  });

  test('a FORBIDDEN error, a user error and a malformed request are counted by code', async () => {
    const [agent] = await agents(api, 1);
    const before = await scrape();
    const forbidden = await api.gql('{ webhooks(partner: "maa") { id } }', {}, bearer(agent.token));
    expect(forbidden.body.errors?.map(error => error.extensions?.code)).toEqual(['FORBIDDEN']);
    const refused = await api.data<{ login: { userErrors: { code: string }[] } }>(
      'mutation { login(email: "personne@agriculture.gouv.fr", password: "pas le bon mot de passe") { userErrors { code } } }');
    expect(refused.login.userErrors.map(error => error.code)).toEqual(['INVALID_CREDENTIALS']);
    expect(await post('{ trainings(first: 1) { inexistant } }')).toBe(400);
    const after = await scrape();
    const delta = (labels: Record<string, string>) => valueOf(after, 'mentor_errors_total', labels) - valueOf(before, 'mentor_errors_total', labels);
    expect(delta({ kind: 'graphql', code: 'FORBIDDEN' })).toBe(1);
    expect(delta({ kind: 'user', code: 'INVALID_CREDENTIALS' })).toBe(1);
    expect(delta({ kind: 'graphql', code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(delta({ kind: 'graphql', code: 'INTERNAL_SERVER_ERROR' })).toBe(0);
  });

  test('the outbox backlog counts a mail held for want of an SMTP server, and gives its age', async () => {
    const mailBacklog = (samples: Sample[]) =>
      valueOf(samples, 'mentor_outbox_backlog_messages', { channel: 'mail', status: 'pending' }) + valueOf(samples, 'mentor_outbox_backlog_messages', { channel: 'mail', status: 'held' });
    const before = await scrape();
    const email = `metriques.${randomBytes(3).toString('hex')}@agriculture.gouv.fr`;
    await registerUnverified(api, email);
    const after = await scrape();
    expect(mailBacklog(after) - mailBacklog(before)).toBe(1);
    const [{ count }] = await api.sql<{ count: number }>(`SELECT count(*)::int AS count FROM outbox_message WHERE channel = 'mail' AND status IN ('PENDING', 'HELD')`);
    expect(mailBacklog(after)).toBe(count);
    expect(valueOf(after, 'mentor_outbox_oldest_message_age_seconds', { channel: 'mail' })).toBeGreaterThanOrEqual(0);
    for (const status of ['pending', 'held']) expect(after.some(sample => sample.name === 'mentor_outbox_backlog_messages' && sample.labels.channel === 'webhook' && sample.labels.status === status)).toBe(true);
    // No personal data in any label or value name.
    const text = await scrapeText();
    expect(text).not.toContain(email);
    expect(text).not.toContain('metriques.');
  });

  test('the database pool: connections in use and idle, and waiting queries', async () => {
    const samples = await scrape();
    const inUse = valueOf(samples, 'mentor_db_pool_connections', { pool: 'primary', state: 'in_use' });
    const idle = valueOf(samples, 'mentor_db_pool_connections', { pool: 'primary', state: 'idle' });
    expect(idle).toBeGreaterThanOrEqual(1);
    expect(inUse + idle).toBeLessThanOrEqual(10);
    expect(samples.some(sample => sample.name === 'mentor_db_pool_waiting_requests' && sample.labels.pool === 'primary')).toBe(true);
  });

  test('response cache hits and misses, a hit keeping its operation’s label (where the cache is on)', async () => {
    if (!api.app.database.separateSessions) {
      // Off on PGlite (see README): nothing is looked up, nothing counted.
      const samples = await scrape();
      expect(samples.filter(sample => sample.name === 'mentor_response_cache_requests_total')).toEqual([]);
      return;
    }
    const query = `{ licences { code } }`;
    const before = await scrape();
    expect(await post(query)).toBe(200);
    expect(await post(query)).toBe(200);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) => valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(delta('mentor_response_cache_requests_total', { result: 'miss' })).toBe(1);
    expect(delta('mentor_response_cache_requests_total', { result: 'hit' })).toBe(1);
    expect(delta('mentor_http_request_duration_seconds_count', { operation: 'query:licences' })).toBe(2);
  });
});

describe('label cardinality', () => {
  test('300 requests with random operation names, aliases, unknown fields and paths add a handful of series, none of their words', async () => {
    await scrapeText(); // its own series exist before the count starts
    const before = await scrape();
    const words = Array.from({ length: 300 }, () => `x${randomBytes(6).toString('hex')}`);
    const requests = words.map((word, index) => {
      if (index % 10 === 1) return post(`query ${word} { ${word}: inconnu_${word} }`);
      if (index % 10 === 2) return fetch(`${api.origin}/files/${word}`).then(response => response.arrayBuffer());
      if (index % 10 === 3) return fetch(`${api.origin}/${word}/${index}`).then(response => response.arrayBuffer());
      return post(`query ${word} { ${word}: __typename }`, { 'x-request-id': word });
    });
    for (let start = 0; start < requests.length; start += 50) await Promise.all(requests.slice(start, start + 50));
    const text = await scrapeText();
    const after = parse(text);
    const added = [...operations(after)].filter(operation => !operations(before).has(operation));
    expect(added.length).toBeLessThanOrEqual(4);
    for (const operation of added) expect(['query:__typename', 'POST /graphql', 'GET /files/:param', 'GET (unmatched)']).toContain(operation);
    expect(after.length - before.length).toBeLessThan(80); // a few new series and their buckets, not thousands
    for (const word of words.slice(0, 100)) expect(text).not.toContain(word);
  });

  test('past 200 distinct combinations of root fields, further ones share <kind>:other; a single root field keeps its own label', async () => {
    const metrics = new ApiMetrics({ db: api.app.database.dataSource, outboxChannels: [] });
    for (let index = 0; index < 1_000; index += 1) metrics.requestFinished({ requestId: String(index), operation: `query:champ${index}+me`, errors: [{ kind: 'graphql', code: `CODE_${index}` }] }, 0.01);
    // Operations the schema bounds are never crowded out by the combinations above.
    metrics.requestFinished({ requestId: 'late', operation: 'query:trainings' }, 0.01);
    const samples = parse((await metrics.scrape()).body);
    const labels = operations(samples);
    expect(labels.size).toBe(202);
    expect(labels.has('query:other')).toBe(true);
    expect(valueOf(samples, 'mentor_http_request_duration_seconds_count', { operation: 'query:other' })).toBe(800);
    expect(valueOf(samples, 'mentor_http_request_duration_seconds_count', { operation: 'query:trainings' })).toBe(1);
    expect(new Set(samples.filter(sample => sample.name === 'mentor_errors_total').map(sample => sample.labels.code)).size).toBe(101);
  });

  test('a route pattern reads as a path', () => {
    expect(routePattern(/^\/files\/([A-Za-z0-9_-]{1,200})$/)).toBe('/files/:param');
    expect(routePattern(/^\/attestations\/([^/]+)\.pdf$/i)).toBe('/attestations/:param.pdf');
    expect(routePattern(/^\/hr\/records\.csv$/)).toBe('/hr/records.csv');
  });
});
