import { In, type EntityManager } from 'typeorm';
import { User } from '../accounts/user.entity';
import { forbidden } from '../auth/auth-checker';
import { TrainingStatus } from '../catalogue/catalogue.enums';
import { TrainingSession } from '../catalogue/training-session.entity';
import { Training } from '../catalogue/training.entity';
import { canSeeTraining, visibilityOf } from '../catalogue/training-rights';
import type { Context } from '../context';
import { DomainError } from '../graphql/errors';
import { localIdOf } from '../graphql/global-id';
import { hydrate, selectColumns } from '../db/hydrate';
import { preparedQuery } from '../db/named-query';
import { MAIL_CHANNEL } from '../mail/mail';
import { eligibilityOf, UNVERIFIED_REASON } from './eligibility';
import { enrolmentMail, notifyEnrolments, POSITION_PLACEHOLDER } from './enrolment-mails';
import { ACTIVE_ENROLMENT_STATUSES, EnrolmentStatus } from './enrolment.enums';
import { Enrolment } from './enrolment.entity';
import { enrolmentParties, mayCancelEnrolment, mayReadEnrolment, type EnrolmentParties } from './enrolment-rights';

const UNLIMITED = 2 ** 31 - 1;
/** An agent holds one of these per session at most: enrolling again returns it. */
const HELD_STATUSES = [...ACTIVE_ENROLMENT_STATUSES, EnrolmentStatus.COMPLETED];
const PARIS_TIME = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' });

/**
 * Seats held in a session (confirmed or completed enrolments) as this transaction left them: the
 * counter the enrolment trigger keeps. The caller holds the session's row lock.
 */
export async function seatsTaken(manager: EntityManager, sessionId: string): Promise<number> {
  const [{ seats_taken: taken }] = await manager.query('SELECT seats_taken FROM training_session WHERE id = $1', [sessionId]);
  return taken;
}

/** A cancelled session frees everyone in it, seats and places in line alike, and tells them. Returns how many. */
export async function cancelActiveEnrolments(ctx: Context, manager: EntityManager, sessionId: string): Promise<number> {
  const [cancelled]: [{ id: string }[], number] = await manager.query(
    `UPDATE enrolment SET status = $2, waitlist_position = NULL, cancelled_at = now(), updated_at = now()
     WHERE session_id = $1 AND status = ANY($3::enrolment_status_enum[]) RETURNING id`,
    [sessionId, EnrolmentStatus.CANCELLED, ACTIVE_ENROLMENT_STATUSES],
  );
  await notifyEnrolments(ctx, manager, 'SESSION_CANCELLED', cancelled.map(row => row.id));
  return cancelled.length;
}

/** Everyone holding a seat or a place in line in these sessions learns that their dates or place changed. */
export async function notifySessionChanged(ctx: Context, manager: EntityManager, sessionIds: readonly string[]): Promise<void> {
  if (sessionIds.length === 0) return;
  const active: { id: string }[] = await manager.query(`SELECT id FROM enrolment WHERE session_id = ANY($1::uuid[]) AND status = ANY($2::enrolment_status_enum[])`, [
    sessionIds,
    ACTIVE_ENROLMENT_STATUSES,
  ]);
  await notifyEnrolments(ctx, manager, 'SESSION_CHANGED', active.map(row => row.id));
}

/** A session whose free seats go to its waiting line: `capacity` null, everyone waiting gets a seat. */
export interface SessionSeats {
  id: string;
  capacity: number | null;
}

/**
 * In each session, gives free seats to the agents waiting, in arrival order, renumbers the line
 * from 1, and tells those promoted: one UPDATE and one round of e-mails however many sessions
 * (an import may move hundreds). The caller holds the sessions' row locks, so the seats taken read
 * in the statement stay true until it commits.
 */
export async function promoteWaitlisted(ctx: Context, manager: EntityManager, sessions: readonly SessionSeats[]): Promise<void> {
  if (sessions.length === 0) return;
  // Seats taken as this transaction left them (the counter the enrolment trigger keeps), read in the statement's snapshot.
  const [updated]: [{ id: string; status: EnrolmentStatus }[], number] = await manager.query(
    `WITH free AS (
       SELECT s.id AS session_id, CASE WHEN r.capacity IS NULL THEN $2::int ELSE greatest(r.capacity - s.seats_taken, 0) END AS seats
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, capacity int) JOIN training_session s ON s.id = r.id
     ), line AS (
       SELECT e.id, free.seats, row_number() OVER (PARTITION BY e.session_id ORDER BY e.waitlist_position, e.enrolled_at, e.id) AS place
       FROM enrolment e JOIN free ON free.session_id = e.session_id
       WHERE e.status = 'WAITLISTED'
     )
     UPDATE enrolment e SET
       status = CASE WHEN line.place <= line.seats THEN 'CONFIRMED' ELSE 'WAITLISTED' END::enrolment_status_enum,
       waitlist_position = CASE WHEN line.place <= line.seats THEN NULL ELSE line.place - line.seats END,
       updated_at = now()
     FROM line WHERE e.id = line.id
     RETURNING e.id, e.status`,
    [JSON.stringify(sessions.map(({ id, capacity }) => ({ id, capacity }))), UNLIMITED],
  );
  const promoted = updated.filter(row => row.status === EnrolmentStatus.CONFIRMED).map(row => row.id);
  await notifyEnrolments(ctx, manager, 'PROMOTED', promoted);
}

/** The session, locked: every change to its seats (enrolments, cancellations, capacity) takes this lock first. */
function lockSessionRow(manager: EntityManager, sessionId: string): Promise<TrainingSession | null> {
  return manager.findOne(TrainingSession, { where: { id: sessionId }, lock: { mode: 'pessimistic_write' } });
}

/** The session with its training, in one statement; `lock`: the session's row lock, for the rest of the transaction. */
function sessionWithTraining(manager: EntityManager, sessionId: string, { lock }: { lock: boolean }): Promise<TrainingSession | null> {
  const query = manager.createQueryBuilder(TrainingSession, 's').innerJoinAndSelect('s.training', 't').where('s.id = :sessionId', { sessionId });
  return (lock ? query.setLock('pessimistic_write', undefined, ['s']) : query).getOne();
}

/** Why the agent may not enrol in this session now, or null: the training's state, the session's, the window. */
function closedBecause(training: Training, session: TrainingSession): DomainError | null {
  if (training.status !== TrainingStatus.PUBLISHED) return new DomainError('ENROLMENT_CLOSED', 'Cette formation n’est pas publiée : on ne peut pas s’y inscrire.');
  if (session.cancelled) return new DomainError('SESSION_CANCELLED', 'Cette session est annulée.');
  const now = new Date();
  if (now < session.enrolmentOpensAt) {
    return new DomainError('ENROLMENT_CLOSED', `Les inscriptions à cette session ouvriront le ${PARIS_TIME.format(session.enrolmentOpensAt)}.`);
  }
  if (now >= session.enrolmentClosesAt) {
    return new DomainError('ENROLMENT_CLOSED', `Les inscriptions à cette session sont closes depuis le ${PARIS_TIME.format(session.enrolmentClosesAt)}.`);
  }
  return null;
}

/** What the agent already holds in the session: a seat, a place in line, or a completion. */
function heldEnrolment(manager: EntityManager, sessionId: string, userId: string): Promise<Enrolment | null> {
  return manager.findOneBy(Enrolment, { sessionId, userId, status: In(HELD_STATUSES) });
}

export const emailNotVerified = () => new DomainError('EMAIL_NOT_VERIFIED', UNVERIFIED_REASON);
const sessionNotFound = () => new DomainError('NOT_FOUND', 'Session introuvable.', ['sessionId']);

/**
 * A seat while there is one, else a place in line. The common case is one atomic statement
 * (`takePlace`): checks done on a read of the session, then the seat decided under the session's
 * row lock for the few microseconds of that statement, so that enrolments racing for one session
 * queue as briefly as possible. Anything else (a refusal, a second enrolment, the session changed
 * in between) is decided in a transaction holding the lock (`enrolUnderLock`). Never more
 * confirmed than seats (the CHECK on the session's counter makes it impossible anyway), one active
 * enrolment per agent, positions in arrival order. A new enrolment costs three statements: the
 * agent's profile, the session with its training, the insert.
 */
export async function enrol(ctx: Context, sessionGlobalId: string): Promise<{ enrolment: Enrolment }> {
  const userId = ctx.viewer.userId!;
  const sessionId = localIdOf(sessionGlobalId, 'TrainingSession');
  if (!sessionId) throw sessionNotFound();
  // The profile is the agent's own: it decides eligibility, not seats.
  const [agent, session] = await Promise.all([ctx.loaders.userById.load(userId), sessionWithTraining(ctx.db.manager, sessionId, { lock: false })]);
  if (!agent || !session) throw sessionNotFound();
  if (!agent.emailVerified) throw emailNotVerified();
  const training = session.training!;
  const open = training.status === TrainingStatus.PUBLISHED && closedBecause(training, session) === null;
  if (open && eligibilityOf(training, agent, id => id).eligible) {
    const enrolment = await takePlace(ctx, agent, session);
    if (enrolment) return { enrolment };
  }
  return enrolUnderLock(ctx, sessionId, agent);
}

/**
 * One statement: locks the session if it is still open (not cancelled, training published, window
 * open), takes a seat if one is left or the next place in line (the line is kept dense, 1..n, so
 * that is its length + 1), unless the agent already holds something there, and queues the e-mail
 * that says which (composed beforehand for both cases, from the session as read: the statement
 * does nothing if it has changed since). Null when it did not.
 */
async function takePlace(ctx: Context, agent: User, session: TrainingSession): Promise<Enrolment | null> {
  const { title, slug } = session.training!;
  const facts = { email: agent.email, displayName: agent.displayName, title, slug, ...session, waitlistPosition: null };
  const confirmed = enrolmentMail(ctx.appUrl, 'CONFIRMED', facts);
  const waitlisted = enrolmentMail(ctx.appUrl, 'WAITLISTED', facts);
  const rows: Record<string, unknown>[] = await preparedQuery(
    ctx.db,
    `WITH locked AS (
       SELECT s.id, s.capacity IS NULL OR s.seats_taken < s.capacity AS confirmed, s.waitlist_length
       FROM training_session s JOIN training t ON t.id = s.training_id
       WHERE s.id = $2 AND NOT s.cancelled AND t.status = 'PUBLISHED' AND s.enrolment_opens_at <= now() AND s.enrolment_closes_at > now()
         -- The mails say what was read: a session moved since then is left to enrolUnderLock. Read
         -- through a JavaScript Date, a time has lost its microseconds (a session written by SQL's now()).
         AND date_trunc('milliseconds', s.starts_at) = $6 AND date_trunc('milliseconds', s.ends_at) = $7 AND s.location IS NOT DISTINCT FROM $8 AND t.title = $9 AND t.slug = $10
       FOR UPDATE OF s
     ), taken AS (
       INSERT INTO enrolment (user_id, session_id, status, waitlist_position)
       SELECT $1, id, CASE WHEN confirmed THEN 'CONFIRMED' ELSE 'WAITLISTED' END::enrolment_status_enum, CASE WHEN confirmed THEN NULL ELSE waitlist_length + 1 END
       FROM locked
       WHERE NOT EXISTS (SELECT 1 FROM enrolment WHERE session_id = $2 AND user_id = $1 AND status = ANY($3::enrolment_status_enum[]))
       ON CONFLICT DO NOTHING
       RETURNING ${selectColumns(ctx.db, Enrolment, 'enrolment')}
     ), mailed AS (
       INSERT INTO outbox_message (channel, payload)
       SELECT '${MAIL_CHANNEL}', CASE WHEN status = 'CONFIRMED' THEN $4::jsonb ELSE replace($5::text, '${POSITION_PLACEHOLDER}', waitlist_position::text)::jsonb END
       FROM taken
     )
     SELECT * FROM taken`,
    [agent.id, session.id, HELD_STATUSES, JSON.stringify(confirmed), JSON.stringify(waitlisted), session.startsAt, session.endsAt, session.location, title, slug],
  );
  if (rows.length === 0) return null;
  ctx.outboxWritten(MAIL_CHANNEL);
  return hydrate(ctx.db, Enrolment, rows)[0];
}

/** The same decision, in a transaction holding the session's lock: refusals, enrolling again, races lost. */
async function enrolUnderLock(ctx: Context, sessionId: string, agent: User): Promise<{ enrolment: Enrolment }> {
  const visibility = visibilityOf(await ctx.grants());
  return ctx.db.transaction(async manager => {
    const session = await sessionWithTraining(manager, sessionId, { lock: true });
    if (!session || !canSeeTraining(visibility, session.training!)) throw sessionNotFound();
    const training = session.training!;
    // Enrolling again returns what the agent holds here, even once the window has closed.
    const held = await heldEnrolment(manager, session.id, agent.id);
    if (held) return { enrolment: held };
    const refusal = closedBecause(training, session) ?? (await ineligibility(ctx, training, agent));
    if (refusal) throw refusal;
    const confirmed = session.capacity === null || session.seatsTaken < session.capacity;
    const enrolment = manager.create(Enrolment, {
      userId: agent.id,
      sessionId: session.id,
      status: confirmed ? EnrolmentStatus.CONFIRMED : EnrolmentStatus.WAITLISTED,
      waitlistPosition: confirmed ? null : session.waitlistLength + 1,
    });
    await manager.save(enrolment);
    await notifyEnrolments(ctx, manager, confirmed ? 'CONFIRMED' : 'WAITLISTED', [enrolment.id]);
    return { enrolment };
  });
}

/** NOT_ELIGIBLE with the reasons (partners named from the reference data), or null. */
async function ineligibility(ctx: Context, training: Training, agent: User): Promise<DomainError | null> {
  if (eligibilityOf(training, agent, id => id).eligible) return null;
  const partners = new Map((await ctx.loaders.partnerById.loadMany(training.audiencePartnerIds)).map(partner => [partner.id, partner.name]));
  return new DomainError('NOT_ELIGIBLE', eligibilityOf(training, agent, id => partners.get(id) ?? id).reasons.join(' '));
}

export interface LockedEnrolment {
  enrolment: Enrolment;
  session: TrainingSession;
  training: Training;
  /** null once the account is deleted. */
  owner: User | null;
  parties: EnrolmentParties;
}

/**
 * An enrolment a mutation works on, its session locked first (the order `enrol` takes locks in),
 * then the enrolment. Unknown, or not the caller's to read: NOT_FOUND.
 */
export async function lockEnrolment(manager: EntityManager, globalId: string, readable: (parties: EnrolmentParties) => boolean): Promise<LockedEnrolment> {
  const id = localIdOf(globalId, 'Enrolment');
  const notFound = new DomainError('NOT_FOUND', 'Inscription introuvable.', ['enrolmentId']);
  const found = id ? await manager.findOneBy(Enrolment, { id }) : null;
  if (!found) throw notFound;
  const session = (await lockSessionRow(manager, found.sessionId))!;
  const enrolment = await manager.findOneOrFail(Enrolment, { where: { id: found.id }, lock: { mode: 'pessimistic_write' } });
  const training = await manager.findOneByOrFail(Training, { id: session.trainingId });
  const owner = enrolment.userId === null ? null : await manager.findOneByOrFail(User, { id: enrolment.userId });
  const parties = enrolmentParties(owner, training.partnerId);
  if (!readable(parties)) throw notFound;
  return { enrolment, session, training, owner, parties };
}

/** By its owner, the training's editors or admins: a freed seat goes at once to the first in line. */
export async function cancelEnrolment(ctx: Context, globalId: string): Promise<{ enrolment: Enrolment }> {
  const grants = await ctx.grants();
  return ctx.db.transaction(async manager => {
    const { enrolment, session, parties } = await lockEnrolment(manager, globalId, parties => mayReadEnrolment(ctx.viewer, grants, parties));
    if (!mayCancelEnrolment(ctx.viewer, grants, parties)) throw forbidden();
    if (!ACTIVE_ENROLMENT_STATUSES.includes(enrolment.status)) {
      throw new DomainError('INVALID_TRANSITION', `Inscription ${enrolment.status === EnrolmentStatus.COMPLETED ? 'terminée' : 'déjà annulée'} : elle ne s’annule plus.`);
    }
    await manager.update(Enrolment, { id: enrolment.id }, { status: EnrolmentStatus.CANCELLED, waitlistPosition: null, cancelledAt: () => 'now()' });
    await promoteWaitlisted(ctx, manager, [session]);
    return { enrolment: await manager.findOneByOrFail(Enrolment, { id: enrolment.id }) };
  });
}
