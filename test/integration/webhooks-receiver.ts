import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the receiver does with a request: answer a status, or never answer. */
export type Reply = number | 'hang';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** When it arrived (ms since the epoch). */
  at: number;
}

/**
 * A partner's endpoint, on loopback: each path answers its planned replies in turn, then its
 * default (200 unless set). Requests are kept, in order of arrival.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  private readonly plans = new Map<string, Reply[]>();
  private readonly defaults = new Map<string, Reply>();
  private readonly hanging: ServerResponse[] = [];
  private server: Server | null = null;
  port = 0;

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  plan(path: string, replies: Reply[], then: Reply = 200): void {
    this.plans.set(path, [...replies]);
    this.defaults.set(path, then);
  }

  at(path: string): Received[] {
    return this.received.filter(request => request.path === path);
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', chunk => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        this.received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
        const reply = this.plans.get(path)?.shift() ?? this.defaults.get(path) ?? 200;
        if (reply === 'hang') this.hanging.push(response);
        else response.writeHead(reply, { 'content-type': 'text/plain' }).end(reply >= 400 ? 'indisponible' : 'ok');
      });
    });
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise(resolve => this.server?.close(resolve));
  }
}
