import { Client } from 'pg';
import type { Logger } from 'pino';
import { countStatement } from './statement-counter';

const CHANNEL = 'mentor_catalogue';
const VERSION_QUERY = `SELECT instance || ':' || version AS version FROM catalogue_state`;
const RETRY_MS = 1_000;
/**
 * The listening connection is also asked for the version this often, with a short timeout: a
 * connection that died without a word (half-open TCP) would otherwise swallow notifications.
 */
const HEARTBEAT_MS = 5_000;
const QUERY_TIMEOUT_MS = 2_000;

/** The version of the public catalogue, or null when it cannot be known for sure (then nothing is served from a cache). */
export interface CatalogueVersionSource {
  current(): Promise<string | null>;
  /** A write committed in this process: the next `current()` must not miss it. */
  committed(): void;
  stop(): Promise<void>;
}

/**
 * The version of the public catalogue as this process knows it: read at start, then raised by the
 * `mentor_catalogue` notifications that every committed change sends (migration CatalogueVersion).
 * Null while the listening connection is down: changes could then go unseen, so nothing may be
 * served from a cache until it is back and the version read again.
 */
export class ListenedCatalogueVersion implements CatalogueVersionSource {
  private client: Client | null = null;
  private version: string | null = null;
  private instance = '';
  /** Set by a write of this process; the next read asks the database rather than wait for the notification. */
  private checking: Promise<void> | null = null;
  private written = false;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  private readonly heartbeat: NodeJS.Timeout;

  private constructor(
    private readonly url: string,
    private readonly log: Logger,
    /** Told of every new version (this process's own caches of catalogue data drop what they hold). */
    private readonly onChange: () => void,
  ) {
    this.heartbeat = setInterval(() => void this.check(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  static async start(url: string, log: Logger, onChange: () => void = () => undefined): Promise<ListenedCatalogueVersion> {
    const tracker = new ListenedCatalogueVersion(url, log, onChange);
    await tracker.connect();
    return tracker;
  }

  async current(): Promise<string | null> {
    if (this.written) {
      this.written = false;
      const checking = this.check().finally(() => {
        if (this.checking === checking) this.checking = null;
      });
      this.checking = checking;
    }
    await this.checking;
    return this.version;
  }

  committed(): void {
    this.written = true;
  }

  /** Reads the version on the listening connection; keeps the newer of it and the one notified (versions follow commit order). */
  private async check(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      countStatement({ text: VERSION_QUERY, values: [] });
      const { rows } = await client.query<{ version: string }>(VERSION_QUERY);
      this.raise(client, rows[0].version.split(':')[1]);
    } catch (error) {
      this.lost(client, error);
    }
  }

  private raise(client: Client, version: string): void {
    if (this.client !== client) return;
    const known = this.version === null ? null : BigInt(this.version.split(':')[1]);
    if (known !== null && BigInt(version) <= known) return;
    this.version = `${this.instance}:${version}`;
    this.onChange();
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.url,
      application_name: 'mentor-api catalogue listener',
      keepAlive: true,
      query_timeout: QUERY_TIMEOUT_MS,
    });
    client.on('notification', message => {
      if (message.channel === CHANNEL && message.payload && /^\d+$/.test(message.payload)) this.raise(client, message.payload);
    });
    client.on('error', error => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      // Read after LISTEN: a change committed in between raises the version twice, never zero times.
      const { rows } = await client.query<{ version: string }>(VERSION_QUERY);
      this.client = client;
      this.version = rows[0].version;
      this.instance = rows[0].version.split(':')[0];
      this.onChange(); // what was cached while the connection was down may be stale
    } catch (error) {
      await client.end().catch(() => undefined);
      this.lost(client, error);
    }
  }

  private lost(client: Client, error: unknown): void {
    if (this.client !== null && this.client !== client) return;
    this.client = null;
    void client.end().catch(() => undefined);
    this.version = null;
    if (this.stopped || this.retry) return;
    this.log.warn({ err: error }, 'catalogue listener disconnected: cached answers are bypassed until it is back');
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.stopped) void this.connect();
    }, RETRY_MS);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    this.version = null;
    await client?.end().catch(() => undefined);
  }
}
