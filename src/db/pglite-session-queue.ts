/** What the queue uses of PGlite (structural: PGlite's ESM and CJS typings differ in private fields). */
interface PGliteSession {
  isInTransaction(): boolean;
  exec(query: string): Promise<unknown>;
  runExclusive<T>(work: () => Promise<T>): Promise<T>;
  execProtocolRawStream(message: Uint8Array, options: { onRawData: (data: Uint8Array) => void }): Promise<unknown>;
}

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: Error) => void;
}

/** Frontend messages of an extended-protocol batch that the backend answers only at its Sync. */
const BATCH_MESSAGES = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map(letter => letter.charCodeAt(0)));

/**
 * Replaces pglite-socket 0.2.17's query queue, which serialises single messages and keeps a
 * connection's turn only inside a transaction (electric-sql/pglite#1046): two connections'
 * Parse/Bind/Execute/Sync batches then interleave in PGlite's one session, and a client binds
 * another's statement (wrong rows or "portal does not exist"); one failure also stalls the queue
 * for good. Here a connection keeps PGlite from its first message until its batch is over (Sync or
 * simple query) and no transaction is open, and a failure only fails that message.
 */
export class PGliteSessionQueue {
  private queue: QueuedMessage[] = [];
  private processing = false;
  /** The connection in the middle of a batch or a transaction: only its messages run. */
  private owner: number | null = null;

  constructor(private readonly db: PGliteSession) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    for (const queued of this.queue.filter(entry => entry.handlerId === handlerId)) queued.reject(new Error('Handler disconnected'));
    this.queue = this.queue.filter(entry => entry.handlerId !== handlerId);
  }

  /** A connection that drops mid-transaction or mid-batch gives the session back, rolled back. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    await this.process();
  }

  private next(): QueuedMessage | undefined {
    const index = this.owner === null ? 0 : this.queue.findIndex(entry => entry.handlerId === this.owner);
    return index === -1 ? undefined : this.queue.splice(index, 1)[0];
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let queued = this.next(); queued; queued = this.next()) {
        const { handlerId, message, onData } = queued;
        this.owner = handlerId;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(message, {
              onRawData: data => {
                bytes += data.length;
                onData(data);
              },
            }),
          );
          queued.resolve(bytes);
        } catch (error) {
          queued.reject(error as Error);
        }
        if (!BATCH_MESSAGES.has(message[0]) && !this.db.isInTransaction()) this.owner = null;
      }
    } finally {
      this.processing = false;
    }
  }
}
