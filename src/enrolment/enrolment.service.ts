import { In, type EntityManager } from 'typeorm';
import { User } from '../accounts/user.entity';
import { forbidden } from '../auth/auth-checker';
import { TrainingStatus } from '../catalogue/catalogue.enums';
import { Partner } from '../catalogue/partner.entity';
import { TrainingSession } from '../catalogue/training-session.entity';
import { Training } from '../catalogue/training.entity';
import { canSeeTraining, visibilityOf } from '../catalogue/training-rights';
import type { Context } from '../context';
import { DomainError } from '../graphql/errors';
import { localIdOf } from '../graphql/global-id';
import { eligibilityOf } from './eligibility';
import { ACTIVE_ENROLMENT_STATUSES, EnrolmentStatus, SEAT_STATUSES } from './enrolment.enums';
import { Enrolment } from './enrolment.entity';
import { mayCancelEnrolment, mayReadEnrolment, type EnrolmentParties } from './enrolment-rights';

const UNLIMITED = 2 ** 31 - 1;
const PARIS_TIME = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' });

/** Seats held in a session (confirmed or completed enrolments); the caller holds the session's row lock. */
export async function seatsTaken(manager: EntityManager, sessionId: string): Promise<number> {
  const [{ taken }] = await manager.query(`SELECT count(*)::int AS taken FROM enrolment WHERE session_id = $1 AND status = ANY($2::enrolment_status_enum[])`, [
    sessionId,
    SEAT_STATUSES,
  ]);
  return taken;
}

/** A cancelled session frees everyone in it: seats and places in line alike. Returns how many. */
export async function cancelActiveEnrolments(manager: EntityManager, sessionId: string): Promise<number> {
  const [, cancelled]: [unknown, number] = await manager.query(
    `UPDATE enrolment SET status = $2, waitlist_position = NULL, cancelled_at = now(), updated_at = now()
     WHERE session_id = $1 AND status = ANY($3::enrolment_status_enum[]) RETURNING id`,
    [sessionId, EnrolmentStatus.CANCELLED, ACTIVE_ENROLMENT_STATUSES],
  );
  return cancelled;
}

/**
 * Gives free seats to the agents waiting, in arrival order, and renumbers the line from 1. The
 * caller holds the session's row lock. `capacity` null: everyone waiting gets a seat.
 */
export async function promoteWaitlisted(manager: EntityManager, sessionId: string, capacity: number | null): Promise<void> {
  const free = capacity === null ? UNLIMITED : Math.max(capacity - (await seatsTaken(manager, sessionId)), 0);
  await manager.query(
    `WITH line AS (
       SELECT id, row_number() OVER (ORDER BY waitlist_position, enrolled_at, id) AS place
       FROM enrolment WHERE session_id = $1 AND status = 'WAITLISTED'
     )
     UPDATE enrolment e SET
       status = CASE WHEN line.place <= $2 THEN 'CONFIRMED' ELSE 'WAITLISTED' END::enrolment_status_enum,
       waitlist_position = CASE WHEN line.place <= $2 THEN NULL ELSE line.place - $2 END,
       updated_at = now()
     FROM line WHERE e.id = line.id`,
    [sessionId, free],
  );
}

/** The session, locked: every change to its seats (enrolments, cancellations, capacity) takes this lock first. */
function lockSessionRow(manager: EntityManager, sessionId: string): Promise<TrainingSession | null> {
  return manager.findOne(TrainingSession, { where: { id: sessionId }, lock: { mode: 'pessimistic_write' } });
}

async function checkOpen(manager: EntityManager, training: Training, session: TrainingSession, agent: User): Promise<void> {
  if (training.status !== TrainingStatus.PUBLISHED) throw new DomainError('ENROLMENT_CLOSED', 'Cette formation n’est pas publiée : on ne peut pas s’y inscrire.');
  if (session.cancelled) throw new DomainError('SESSION_CANCELLED', 'Cette session est annulée.');
  const now = new Date();
  if (now < session.enrolmentOpensAt) {
    throw new DomainError('ENROLMENT_CLOSED', `Les inscriptions à cette session ouvriront le ${PARIS_TIME.format(session.enrolmentOpensAt)}.`);
  }
  if (now >= session.enrolmentClosesAt) {
    throw new DomainError('ENROLMENT_CLOSED', `Les inscriptions à cette session sont closes depuis le ${PARIS_TIME.format(session.enrolmentClosesAt)}.`);
  }
  // Read through this transaction (not the per-request loaders): it holds the session's lock.
  const partners = new Map((await manager.find(Partner)).map(partner => [partner.id, partner.name]));
  const eligibility = eligibilityOf(training, agent, id => partners.get(id) ?? id);
  if (!eligibility.eligible) throw new DomainError('NOT_ELIGIBLE', eligibility.reasons.join(' '));
}

/**
 * A seat while there is one, else a place in line. The session's row lock makes concurrent
 * enrolments (on any number of API processes) take turns: never more confirmed than seats, one
 * active enrolment per agent, positions in arrival order.
 */
export async function enrol(ctx: Context, sessionGlobalId: string): Promise<{ enrolment: Enrolment }> {
  const userId = ctx.viewer.userId!;
  const visibility = visibilityOf(await ctx.grants());
  const sessionId = localIdOf(sessionGlobalId, 'TrainingSession');
  const notFound = new DomainError('NOT_FOUND', 'Session introuvable.', ['sessionId']);
  return ctx.db.transaction(async manager => {
    const session = sessionId ? await lockSessionRow(manager, sessionId) : null;
    if (!session) throw notFound;
    const training = await manager.findOneByOrFail(Training, { id: session.trainingId });
    if (!canSeeTraining(visibility, training)) throw notFound;
    // Enrolling again returns what the agent already holds here: a seat, a place in line, or a
    // completion (a second one would take a second seat and issue a second attestation).
    const existing = await manager.findOneBy(Enrolment, { sessionId: session.id, userId, status: In([...ACTIVE_ENROLMENT_STATUSES, EnrolmentStatus.COMPLETED]) });
    if (existing) return { enrolment: existing };
    await checkOpen(manager, training, session, await manager.findOneByOrFail(User, { id: userId }));

    const confirmed = session.capacity === null || (await seatsTaken(manager, session.id)) < session.capacity;
    const [{ last }] = await manager.query(`SELECT coalesce(max(waitlist_position), 0)::int AS last FROM enrolment WHERE session_id = $1 AND status = $2`, [
      session.id,
      EnrolmentStatus.WAITLISTED,
    ]);
    const enrolment = manager.create(Enrolment, {
      userId,
      sessionId: session.id,
      status: confirmed ? EnrolmentStatus.CONFIRMED : EnrolmentStatus.WAITLISTED,
      waitlistPosition: confirmed ? null : last + 1,
    });
    await manager.save(enrolment);
    return { enrolment: await manager.findOneByOrFail(Enrolment, { id: enrolment.id }) };
  });
}

export interface LockedEnrolment {
  enrolment: Enrolment;
  session: TrainingSession;
  training: Training;
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
  const owner = await manager.findOneByOrFail(User, { id: enrolment.userId });
  const parties = { userId: owner.id, employerId: owner.employerId, partnerId: training.partnerId };
  if (!readable(parties)) throw notFound;
  return { enrolment, session, training, parties };
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
    await promoteWaitlisted(manager, session.id, session.capacity);
    return { enrolment: await manager.findOneByOrFail(Enrolment, { id: enrolment.id }) };
  });
}
