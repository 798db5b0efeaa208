import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server in the test process: what arrives is parsed; it can refuse, stop and start again on its port. */
export class TestSmtpServer {
  readonly received: ParsedMail[] = [];
  /** While set, every recipient is refused with this temporary failure. */
  refusing = false;
  /** While set, the server reads each message and never answers (a tarpit): only the client's own deadline ends the send. */
  stalling = false;
  private server: SMTPServer | null = null;
  port = 0;

  async start(): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (_address, _session, callback) => {
        if (!this.refusing) return callback();
        const error = Object.assign(new Error('Service indisponible, réessayez plus tard'), { responseCode: 451 });
        callback(error);
      },
      onData: (stream, _session, callback) => {
        if (this.stalling) {
          stream.resume();
          return;
        }
        simpleParser(stream).then(
          mail => {
            this.received.push(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>(resolve => server.close(() => resolve()));
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  to(address: string): ParsedMail[] {
    return this.received.filter(mail => mail.to && !Array.isArray(mail.to) && mail.to.value.some(entry => entry.address === address));
  }
}

/** Polls `probe` until it returns something truthy, and returns that; fails past the timeout. */
export async function eventually<T>(probe: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}
