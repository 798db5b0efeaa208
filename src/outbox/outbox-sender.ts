import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { apartFromRequests } from '../db/statement-counter';
import type { ClaimedMessage } from './outbox';

export interface ChannelSender {
  readonly channel: string;
  /**
   * Delivers one message; throws to have it retried later. Null: this process has no transport for
   * the channel, so messages are held (`hold` says what to log of each) instead of delivered.
   */
  readonly deliver: ((message: ClaimedMessage) => Promise<void>) | null;
  /** What to log of a message held for want of a transport. */
  hold?(message: ClaimedMessage, log: Logger): void;
  /** What of the payload to keep once delivered (e-mails drop their bodies, which hold links). */
  redact?(payload: Record<string, unknown>): Record<string, unknown>;
  /** Attempts before a message is marked FAILED. */
  readonly maxAttempts: number;
  /**
   * The most messages one round claims (default 20). A channel that delivers fewer at once (a pool of
   * connections) claims no more: the rest would wait in its queue while their lease runs out.
   */
  readonly batchSize?: number;
  /** This channel's own timing, over the senders' (webhooks: a shorter lease, longer retries). */
  readonly timing?: Partial<SenderTiming>;
  /** Called when the process stops: cut deliveries under way short (they are retried later, by whichever process). */
  abort?(): void;
}

/** Thrown by a channel's `deliver` when retrying cannot help (its webhook was deleted or deactivated): the message is FAILED at once. */
export class UndeliverableMessage extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndeliverableMessage';
  }
}

export interface SenderTiming {
  /** How often to look for due messages when not woken. */
  pollMs: number;
  /** How long a claimed message is reserved for the process delivering it. */
  leaseSeconds: number;
  /** The delay before attempt n + 1 after attempt n failed: growing, capped. */
  retryDelaySeconds(attempt: number): number;
}

export const DEFAULT_TIMING: SenderTiming = {
  pollMs: 2_000,
  leaseSeconds: 300,
  retryDelaySeconds: attempt => Math.min(10 * 2 ** (attempt - 1), 3_600),
};

const DEFAULT_BATCH = 20;

/**
 * Delivers a channel's due messages, in every API process at once. A message is claimed by one
 * statement (`FOR UPDATE SKIP LOCKED`) that also moves its next attempt a lease away, so no other
 * process takes it while it is delivered; success marks it SENT, failure sets the next attempt
 * after a growing delay. A process that dies mid-delivery leaves the message to be claimed again
 * when its lease ends: delivery is at least once, never twice while everyone is alive.
 */
export class OutboxSender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: DataSource,
    private readonly sender: ChannelSender,
    private readonly log: Logger,
    private readonly timing: SenderTiming = DEFAULT_TIMING,
  ) {}

  start(): void {
    this.schedule(0);
  }

  /** Looks for due messages now (called after a transaction that wrote some commits). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Stops looking; a delivery under way finishes first, or is cut short if the channel can abort it. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.sender.abort?.();
    await this.running;
  }

  /** Claims and handles due messages until none is left; how many it handled. */
  async drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      const claimed = await this.claim();
      if (claimed.length === 0) return handled;
      await Promise.all(claimed.map(message => this.handle(message)));
      handled += claimed.length;
      if (this.stopped) return handled;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    // Woken by a request's commit: the loop runs apart from it (its claims are not the request's statements).
    this.timer = apartFromRequests(() => setTimeout(() => {
      this.timer = null;
      this.running = this.drain()
        .then(
          () => undefined,
          (error: unknown) => this.log.warn({ err: error, channel: this.sender.channel }, 'outbox: could not read due messages; retrying'),
        )
        .finally(() => {
          this.running = null;
          const again = this.again;
          this.again = false;
          this.schedule(again ? 0 : this.timing.pollMs);
        });
    }, delayMs));
    this.timer.unref();
  }

  private async claim(): Promise<ClaimedMessage[]> {
    const { deliver } = this.sender;
    // TypeORM answers an UPDATE with [rows, count].
    const [rows]: [{ id: string; payload: Record<string, unknown>; attempts: number }[], number] = await this.db.query(
      `UPDATE outbox_message m SET
         attempts = m.attempts + 1,
         next_attempt_at = now() + make_interval(secs => $3),
         status = CASE WHEN $4 THEN m.status ELSE 'HELD' END
       FROM (
         SELECT id FROM outbox_message
         WHERE channel = $1 AND next_attempt_at <= now()
           -- Messages held by a process without transport go out once one with a transport is up (while still useful).
           AND (status = 'PENDING' OR ($4 AND status = 'HELD' AND created_at > now() - interval '2 days'))
         ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED
       ) due
       WHERE m.id = due.id
       RETURNING m.id, m.payload, m.attempts`,
      [this.sender.channel, this.sender.batchSize ?? DEFAULT_BATCH, this.timing.leaseSeconds, deliver !== null],
    );
    return rows.map(row => ({ id: String(row.id), payload: row.payload, attempt: row.attempts }));
  }

  private async handle(message: ClaimedMessage): Promise<void> {
    const { deliver, redact, hold, maxAttempts, channel } = this.sender;
    if (deliver === null) {
      hold?.(message, this.log);
      return;
    }
    try {
      await deliver(message);
    } catch (error) {
      const failed = error instanceof UndeliverableMessage || message.attempt >= maxAttempts;
      const delay = this.timing.retryDelaySeconds(message.attempt);
      this.log.warn({ channel, messageId: message.id, attempt: message.attempt, err: error }, failed ? 'outbox: delivery failed, giving up' : `outbox: delivery failed, retrying in ${delay} s`);
      // A message given up keeps no body either.
      const payload = failed && redact ? redact(message.payload) : message.payload;
      await this.db.query(
        `UPDATE outbox_message SET status = $2, next_attempt_at = now() + make_interval(secs => $3), last_error = $4, payload = $5 WHERE id = $1`,
        [message.id, failed ? 'FAILED' : 'PENDING', delay, error instanceof Error ? error.message.slice(0, 2000) : String(error), JSON.stringify(payload)],
      );
      return;
    }
    await this.db.query(`UPDATE outbox_message SET status = 'SENT', sent_at = now(), last_error = NULL, payload = $2 WHERE id = $1`, [
      message.id,
      JSON.stringify(redact ? redact(message.payload) : message.payload),
    ]);
  }
}

export interface OutboxSenders {
  wake(channel: string): void;
  stop(): Promise<void>;
}

/** One sender loop per channel in this process. */
export function startOutboxSenders(db: DataSource, log: Logger, channels: readonly ChannelSender[], timing: SenderTiming = DEFAULT_TIMING): OutboxSenders {
  const senders = new Map(channels.map(channel => [channel.channel, new OutboxSender(db, channel, log, { ...timing, ...channel.timing })]));
  for (const sender of senders.values()) sender.start();
  return {
    wake: channel => senders.get(channel)?.wake(),
    stop: async () => {
      await Promise.all([...senders.values()].map(sender => sender.stop()));
    },
  };
}
