import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createExplorer, type Explorer } from '../../src/http/explorer';
import { writeExplorerBuild } from '../../src/http/explorer-build';
import { withGzip, type ExplorerBundle } from '../../src/http/explorer-bundle';
import { HttpError } from '../../src/http/request-body';

const JS = 'text/javascript; charset=utf-8';

/** A stand-in for GraphiQL's bundle: small files with the names and kinds the real one has. */
const smallBundle = (): ExplorerBundle => ({
  files: new Map([
    ['explorer-AAAAAAAA.js', { body: Buffer.from(`console.log('prebuilt explorer');`.repeat(100)), contentType: JS }],
    ['explorer-BBBBBBBB.css', { body: Buffer.from('body { margin: 0 }'), contentType: 'text/css; charset=utf-8' }],
    ['editor.worker-CCCCCCCC.js', { body: Buffer.from('1'), contentType: JS }],
    ['json.worker-DDDDDDDD.js', { body: Buffer.from('2'), contentType: JS }],
    ['graphql.worker-EEEEEEEE.js', { body: Buffer.from('3'), contentType: JS }],
    ['codicon-FFFFFFFF.ttf', { body: Buffer.from([0, 1, 0, 0]), contentType: 'font/ttf' }],
  ]),
  script: '/graphiql/explorer-AAAAAAAA.js',
  style: '/graphiql/explorer-BBBBBBBB.css',
  workers: { editorWorkerService: '/graphiql/editor.worker-CCCCCCCC.js', json: '/graphiql/json.worker-DDDDDDDD.js', graphql: '/graphiql/graphql.worker-EEEEEEEE.js' },
});

/** The page and the asset route on a bare server; a refusal answered with its status and code (as http-server.ts does). */
async function serve(explorer: Explorer): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const asset = explorer.assetRoute.path.exec(url.pathname);
    const answer = asset
      ? explorer.assetRoute.handle({ req, res, url, params: asset.slice(1), context: () => { throw new Error('no context here'); } })
      : explorer.servePage(res);
    answer.catch((error: HttpError) => {
      res.statusCode = error.status;
      res.end(JSON.stringify({ error: { code: error.code, message: error.message } }));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const originOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** A logger at debug level whose lines the test reads. */
function recordingLogger() {
  const lines: { level: number; msg: string }[] = [];
  return { lines, log: pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) }) };
}

let dir: string;
let server: Server | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'explorer-prebuilt-'));
});
afterEach(async () => {
  await new Promise(resolve => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

test('files written by the build are read at start and served, gzipped when asked; nothing is bundled, even for an unknown name', async () => {
  await writeExplorerBuild(await withGzip(smallBundle()), dir);
  const bundle = jest.fn<Promise<ExplorerBundle>, []>();
  const { lines, log } = recordingLogger();
  server = await serve(await createExplorer(log, { prebuiltDir: dir, bundle }));
  expect(lines).toContainEqual(expect.objectContaining({ level: 20, msg: 'GraphiQL: prebuilt files', dir }));

  const page = await fetch(`${originOf(server)}/graphql`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('<script type="module" src="/graphiql/explorer-AAAAAAAA.js">');
  expect(html).toContain('href="/graphiql/explorer-BBBBBBBB.css"');
  const script = await fetch(`${originOf(server)}/graphiql/explorer-AAAAAAAA.js`, { headers: { 'accept-encoding': 'gzip' } });
  expect(script.headers.get('content-type')).toBe(JS);
  expect(script.headers.get('content-encoding')).toBe('gzip');
  expect(await script.text()).toBe(smallBundle().files.get('explorer-AAAAAAAA.js')!.body.toString()); // fetch decodes it
  const font = await fetch(`${originOf(server)}/graphiql/codicon-FFFFFFFF.ttf`, { headers: { 'accept-encoding': 'gzip' } });
  expect([font.status, font.headers.get('content-type'), font.headers.get('content-encoding')]).toEqual([200, 'font/ttf', null]);
  await font.arrayBuffer(); // read: unread, it would hold its socket open
  const unknown = await fetch(`${originOf(server)}/graphiql/explorer-ZZZZZZZZ.js`);
  expect(unknown.status).toBe(404);
  expect(bundle).not.toHaveBeenCalled();
});

test('with nothing prebuilt, a bundle that fails is tried once: the page and the files answer 503 until a restart', async () => {
  const bundle = jest.fn<Promise<ExplorerBundle>, []>().mockRejectedValue(new Error('esbuild failed'));
  const { lines, log } = recordingLogger();
  server = await serve(await createExplorer(log, { prebuiltDir: dir, bundle }));
  expect(lines).toContainEqual(expect.objectContaining({ level: 20, msg: 'GraphiQL: nothing prebuilt, bundled in memory on the first visit' }));
  expect(bundle).not.toHaveBeenCalled(); // not at start: on the first visit

  for (const url of ['/graphql', '/graphiql/explorer-AAAAAAAA.js', '/graphql']) {
    const response = await fetch(originOf(server) + url);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
  }
  expect(bundle).toHaveBeenCalledTimes(1);
  expect(lines.filter(line => line.msg === 'GraphiQL could not be bundled')).toHaveLength(1);
});
