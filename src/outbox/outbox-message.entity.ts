import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum OutboxStatus {
  /** Waiting for its channel's sender (again, after a failure, once `nextAttemptAt` has come). */
  PENDING = 'PENDING',
  SENT = 'SENT',
  /** Kept here on purpose: no transport is configured (e-mail without MAIL_URL); logged once. */
  HELD = 'HELD',
  /** Given up after the channel's last attempt. */
  FAILED = 'FAILED',
}

/**
 * Something to deliver outside the database (an e-mail, later a webhook call), written in the
 * same transaction as the change that causes it, and delivered after commit by the channel's
 * sender loop in whichever API process claims it first.
 */
@Entity()
@Index('IDX_outbox_message_due', ['channel', 'nextAttemptAt'], { where: `"status" = 'PENDING'` })
// Mail by recipient, for erasing a deleted account's messages (an expression index: migrations/1796000000013-AccountDeletion.ts).
@Index('outbox_mail_recipient_idx', { synchronize: false })
// Undelivered messages by channel, for the metrics' backlog (a partial index: migrations/1796000000015-OutboxBacklog.ts).
@Index('outbox_message_undelivered_idx', { synchronize: false })
export class OutboxMessage {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  /** Which sender delivers it: 'mail', 'webhook'. */
  @Column({ type: 'varchar', length: 20 })
  channel: string;

  /** What the channel needs to deliver it (for mail: recipient, subject, text, HTML). */
  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'enum', enum: OutboxStatus, default: OutboxStatus.PENDING })
  status: OutboxStatus;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  /** When a sender may claim it: now for a new message, later after a failure or while one is delivering it. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt: Date;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
