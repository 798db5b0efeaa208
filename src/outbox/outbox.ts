import type { EntityManager } from 'typeorm';

/** An outbox message as a sender claims it. */
export interface ClaimedMessage {
  id: string;
  payload: Record<string, unknown>;
  /** This delivery's number, from 1. */
  attempt: number;
}

/** Writes a message in the caller's transaction: it exists if and only if the change that causes it commits. */
export async function enqueue(manager: EntityManager, channel: string, payloads: readonly Record<string, unknown>[]): Promise<void> {
  if (payloads.length === 0) return;
  await manager.query(
    `INSERT INTO outbox_message (channel, payload) SELECT $1, value FROM jsonb_array_elements($2::jsonb)`,
    [channel, JSON.stringify(payloads)],
  );
}
