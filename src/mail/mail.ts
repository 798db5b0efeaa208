import type { DataSource, EntityManager } from 'typeorm';
import type { Context } from '../context';
import { enqueue } from '../outbox/outbox';
import { html, type SafeHtml } from './html';

export const MAIL_CHANNEL = 'mail';

/** An e-mail as the outbox keeps it until sent. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The link the message is about, if any: logged when e-mail is not sent (no MAIL_URL). */
  link?: string;
}

/** What a message says, once: paragraphs, and an optional button with its link. */
export interface MessageContent {
  subject: string;
  greeting: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  /** Said after the button, e.g. how long the link lasts. */
  after?: string[];
}

const SIGNATURE = 'L’équipe Mentor, la plateforme interministérielle de formation en ligne';

/** The French text and HTML parts of a message, from one description of it. */
export function composeMail(to: string, content: MessageContent): Mail {
  const after = content.after ?? [];
  const text = [
    content.greeting,
    ...content.paragraphs,
    ...(content.action ? [`${content.action.label} : ${content.action.url}`] : []),
    ...after,
    `— ${SIGNATURE}`,
  ].join('\n\n');
  const paragraph = (line: string): SafeHtml => html`<p>${line}</p>`;
  const body = html`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>${content.subject}</title></head>
<body style="font-family: Marianne, Arial, sans-serif; color: #161616">
${paragraph(content.greeting)}
${content.paragraphs.map(paragraph)}
${content.action ? html`<p><a href="${content.action.url}" style="background: #000091; color: #fff; padding: 8px 16px; text-decoration: none">${content.action.label}</a></p>` : ''}
${after.map(paragraph)}
<p style="color: #666">— ${SIGNATURE}</p>
</body></html>`;
  return { to, subject: content.subject, text, html: body.value, ...(content.action && { link: content.action.url }) };
}

/**
 * The e-mails to an address, oldest first, for its owner's data export: what was said when, not
 * the bodies (those waiting hold single-use links, secrets of their own).
 */
export async function mailsTo(db: DataSource | EntityManager, address: string): Promise<{ subject: string; status: string; queuedAt: Date; sentAt: Date | null }[]> {
  return db.query(
    `SELECT payload ->> 'subject' AS subject, status, created_at AS "queuedAt", sent_at AS "sentAt"
     FROM outbox_message WHERE channel = 'mail' AND payload ->> 'to' = $1 ORDER BY id`,
    [address],
  );
}

/**
 * Erases every e-mail to an address, sent or waiting (a deleted account's): the address and what
 * was said to it go with the account. Literal channel: the partial index on recipients applies.
 */
export async function forgetRecipient(manager: EntityManager, address: string): Promise<void> {
  await manager.query(`DELETE FROM outbox_message WHERE channel = 'mail' AND payload ->> 'to' = $1`, [address]);
}

/**
 * Queues e-mails in the caller's transaction; this process's sender is woken once the mutation
 * commits (see `Context.outboxWritten`).
 */
export async function queueMail(ctx: Pick<Context, 'outboxWritten'>, manager: EntityManager, mails: readonly Mail[]): Promise<void> {
  if (mails.length === 0) return;
  await enqueue(manager, MAIL_CHANNEL, mails as unknown as Record<string, unknown>[]);
  ctx.outboxWritten(MAIL_CHANNEL);
}
