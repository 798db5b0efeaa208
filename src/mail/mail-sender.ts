import { hostname } from 'node:os';
import nodemailer from 'nodemailer';
import type { ChannelSender } from '../outbox/outbox-sender';
import { MAIL_CHANNEL, type Mail } from './mail';

/** About a day and a half of growing delays (10 s doubling, capped at an hour) before giving up. */
const MAX_ATTEMPTS = 45;

export interface MailSettings {
  mailUrl: string | null;
  mailFrom: string;
  /** Held messages log their link only outside production: a reset link is a password. */
  logLinks: boolean;
}

/**
 * The e-mail channel: SMTP through nodemailer when MAIL_URL is set; otherwise messages are held in
 * the outbox and logged (subject, recipient and link), so that a newcomer can follow a registration
 * by hand. Each message's Message-ID comes from its outbox id, so a retry is recognisable.
 */
export function mailSender({ mailUrl, mailFrom, logLinks }: MailSettings): ChannelSender & { close(): void } {
  // A few pooled connections per process; every wait bounded well within the outbox's 5-minute
  // lease, so that no other process takes a message while this one may still be sending it.
  const transport = mailUrl
    ? nodemailer.createTransport({ url: mailUrl, pool: true, maxConnections: 3, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 60_000 }, { from: mailFrom })
    : null;
  const domain = hostname().replace(/[^A-Za-z0-9.-]/g, '') || 'mentor.localhost';
  return {
    channel: MAIL_CHANNEL,
    maxAttempts: MAX_ATTEMPTS,
    deliver: transport
      ? async ({ id, payload }) => {
          const mail = payload as unknown as Mail;
          await transport.sendMail({ to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: `<outbox-${id}@${domain}>` });
        }
      : null,
    hold({ id, payload }, log) {
      const mail = payload as unknown as Mail;
      log.info({ outboxId: id, to: mail.to, subject: mail.subject, ...(logLinks && mail.link && { link: mail.link }) }, 'e-mail kept in the outbox (MAIL_URL is not set)');
    },
    // Once sent, the bodies (which may hold a single-use link) are not kept.
    redact: payload => ({ to: payload.to, subject: payload.subject }),
    close: () => transport?.close(),
  };
}
