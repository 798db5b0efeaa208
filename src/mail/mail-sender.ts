import { hostname } from 'node:os';
import nodemailer from 'nodemailer';
import { DEFAULT_TIMING, type ChannelSender } from '../outbox/outbox-sender';
import { MAIL_CHANNEL, type Mail } from './mail';

/** About a day and a half of growing delays (10 s doubling, capped at an hour) before giving up. */
const MAX_ATTEMPTS = 45;

/** SMTP connections per process, and so the most messages one round claims: none waits for a connection. */
const CONNECTIONS = 3;

export interface MailSettings {
  mailUrl: string | null;
  mailFrom: string;
  /** Held messages log their link only outside production: a reset link is a password. */
  logLinks: boolean;
  /** How long a claimed message is reserved for this process (the outbox's default: 5 minutes). */
  leaseSeconds?: number;
}

/**
 * The e-mail channel: SMTP through nodemailer when MAIL_URL is set; otherwise messages are held in
 * the outbox and logged (subject, recipient and link), so that a newcomer can follow a registration
 * by hand. Each message's Message-ID comes from its outbox id, so a retry is recognisable.
 */
export function mailSender({ mailUrl, mailFrom, logLinks, leaseSeconds = DEFAULT_TIMING.leaseSeconds }: MailSettings): ChannelSender & { close(): void } {
  // The time a send may take, from its claim to the server's answer: a fifth of the lease (a minute),
  // so that no other process claims a message this one may still be sending.
  const deadlineMs = (leaseSeconds * 1000) / 5;
  // The socket timeouts end a silent server early; only the deadline ends one that trickles its replies.
  const transport = mailUrl
    ? nodemailer.createTransport({ url: mailUrl, pool: true, maxConnections: CONNECTIONS, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 60_000 }, { from: mailFrom })
    : null;
  const domain = hostname().replace(/[^A-Za-z0-9.-]/g, '') || 'mentor.localhost';
  // The process stopping cuts sends short too: a slow server must not hold the shutdown (retried later, by any process).
  const stopping = new AbortController();
  return {
    channel: MAIL_CHANNEL,
    maxAttempts: MAX_ATTEMPTS,
    // Without a transport messages are only logged, which takes no time: the default round.
    batchSize: transport ? CONNECTIONS : undefined,
    timing: { leaseSeconds },
    deliver: transport
      ? async ({ id, payload }) => {
          const mail = payload as unknown as Mail;
          // Past the deadline nodemailer drops the message from its queue or closes the connection sending it.
          const deadline = AbortSignal.timeout(deadlineMs);
          const signal = AbortSignal.any([deadline, stopping.signal]);
          await transport
            .sendMail({ to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: `<outbox-${id}@${domain}>`, signal })
            .catch((error: unknown) => {
              if (stopping.signal.aborted) throw new Error('the process stopped before the mail server took the message', { cause: error });
              throw deadline.aborted ? new Error(`the mail server did not take the message within ${deadlineMs / 1000} s`, { cause: error }) : error;
            });
        }
      : null,
    hold({ id, payload }, log) {
      const mail = payload as unknown as Mail;
      log.info({ outboxId: id, to: mail.to, subject: mail.subject, ...(logLinks && mail.link && { link: mail.link }) }, 'e-mail kept in the outbox (MAIL_URL is not set)');
    },
    // Once sent, the bodies (which may hold a single-use link) are not kept.
    redact: payload => ({ to: payload.to, subject: payload.subject }),
    abort: () => stopping.abort(),
    close: () => transport?.close(),
  };
}
