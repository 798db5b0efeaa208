import pino from 'pino';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';
import { runPendingMigrations } from '../../src/db/migrate';
import { entities } from '../../src/entities';
import { MAIL_CHANNEL, queueMail } from '../../src/mail/mail';
import { mailSender } from '../../src/mail/mail-sender';
import { OutboxSender, type ChannelSender } from '../../src/outbox/outbox-sender';
import { TestSmtpServer } from '../support/smtp';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** The outbox's sender loop itself, on two data sources standing for two API processes. */
const log = pino({ level: 'silent' });
let database: TestDatabase;
let processes: DataSource[];
beforeAll(async () => {
  database = await createTestDatabase();
  processes = [createDataSource({ url: database.url, poolSize: 4, log, entities }), createDataSource({ url: database.url, poolSize: 4, log, entities })];
  for (const dataSource of processes) await dataSource.initialize();
  await runPendingMigrations(processes[0]);
});
afterAll(async () => {
  for (const dataSource of processes) await dataSource.destroy();
  await database.drop();
});
beforeEach(() => processes[0].query(`DELETE FROM outbox_message`));

const TIMING = { pollMs: 60_000, leaseSeconds: 300, retryDelaySeconds: () => 10 };
const channel = (deliver: ChannelSender['deliver'], hold?: ChannelSender['hold']): ChannelSender => ({ channel: 'essai', deliver, hold, maxAttempts: 3, redact: payload => ({ to: payload.to }) });
const queue = (count: number) =>
  processes[0].query(`INSERT INTO outbox_message (channel, payload) SELECT 'essai', jsonb_build_object('to', 'n' || n, 'body', 'secret') FROM generate_series(1, $1::int) AS n`, [count]);
const rows = () => processes[0].query(`SELECT payload->>'to' AS to, status, attempts, payload ? 'body' AS has_body FROM outbox_message ORDER BY id`);

test('a message queued in a transaction that rolls back does not exist', async () => {
  const written: string[] = [];
  await expect(
    processes[0].transaction(async manager => {
      await queueMail({ outboxWritten: channel => written.push(channel) }, manager, [{ to: 'a@b.fr', subject: 'Essai', text: 'x', html: '<p>x</p>' }]);
      throw new Error('the change failed after its mail was queued');
    }),
  ).rejects.toThrow('the change failed');
  expect(await rows()).toEqual([]);
});

test('two processes draining at once deliver each message exactly once', async () => {
  await queue(60);
  const delivered: string[] = [];
  const slowly = (process: number): ChannelSender['deliver'] => async message => {
    delivered.push(`${message.payload.to}`);
    await new Promise(resolve => setTimeout(resolve, 5 + process));
  };
  const senders = processes.map((dataSource, index) => new OutboxSender(dataSource, channel(slowly(index)), log, TIMING));
  const handled = await Promise.all(senders.map(sender => sender.drain()));
  expect(handled[0] + handled[1]).toBe(60);
  expect(delivered.sort()).toEqual(Array.from({ length: 60 }, (_, n) => `n${n + 1}`).sort());
  expect((await rows()).every((row: { status: string; attempts: number }) => row.status === 'SENT' && row.attempts === 1)).toBe(true);
});

test('held by a process without transport, then sent by one with it; given up, it keeps no body', async () => {
  await queue(2);
  const held: string[] = [];
  await new OutboxSender(processes[0], channel(null, message => held.push(`${message.payload.to}`)), log, TIMING).drain();
  expect(held).toEqual(['n1', 'n2']);
  expect((await rows()).map((row: { status: string }) => row.status)).toEqual(['HELD', 'HELD']);
  // A process with a transport takes them once their lease has run out (moved to now, not waited for).
  await processes[0].query(`UPDATE outbox_message SET next_attempt_at = now()`);
  const sent: string[] = [];
  const failing = new OutboxSender(processes[1], channel(async message => {
    if (message.payload.to === 'n2') throw new Error('refused');
    sent.push(`${message.payload.to}`);
  }), log, TIMING);
  await failing.drain();
  expect(sent).toEqual(['n1']);
  // Holding counted as the first attempt: two failures more reach maxAttempts (3).
  for (let attempt = 0; attempt < 2; attempt++) {
    await processes[0].query(`UPDATE outbox_message SET next_attempt_at = now()`);
    await failing.drain();
  }
  expect(await rows()).toEqual([
    { to: 'n1', status: 'SENT', attempts: 2, has_body: false },
    { to: 'n2', status: 'FAILED', attempts: 3, has_body: false },
  ]);
});

test('a mail server that stalls: a process claims no more mails than it has connections, and gives each up well within its lease', async () => {
  const smtp = await new TestSmtpServer().start();
  smtp.stalling = true;
  const leaseSeconds = 5;
  const mail = mailSender({ mailUrl: smtp.url, mailFrom: 'ne-pas-repondre@mentor.example.gouv.fr', logLinks: false, leaseSeconds });
  let inFlight = 0;
  let mostInFlight = 0;
  const durations: number[] = [];
  const timed: ChannelSender = {
    ...mail,
    deliver: async message => {
      const started = Date.now();
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      try {
        await mail.deliver!(message);
      } finally {
        inFlight -= 1;
        durations.push(Date.now() - started);
      }
    },
  };
  try {
    await processes[0].query(
      `INSERT INTO outbox_message (channel, payload)
       SELECT $1, jsonb_build_object('to', 'agent' || n || '@agriculture.gouv.fr', 'subject', 'Essai', 'text', 'Bonjour', 'html', '<p>Bonjour</p>') FROM generate_series(1, 7) AS n`,
      [MAIL_CHANNEL],
    );
    await new OutboxSender(processes[0], timed, log, { ...TIMING, ...mail.timing }).drain();
    expect(mostInFlight).toBe(3); // the pool's connections: none waits in its queue
    expect(durations).toHaveLength(7);
    // Each handed to the pool as soon as claimed, and cut off by its deadline: long before its lease ends.
    expect(Math.max(...durations)).toBeLessThan((leaseSeconds * 1_000) / 2);
    const outcomes = await processes[0].query(`SELECT DISTINCT status, attempts, last_error FROM outbox_message`);
    expect(outcomes).toEqual([{ status: 'PENDING', attempts: 1, last_error: 'the mail server did not take the message within 1 s' }]);
  } finally {
    mail.close();
    await smtp.stop();
  }
}, 20_000);
