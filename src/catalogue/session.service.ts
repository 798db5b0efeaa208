import type { EntityManager } from 'typeorm';
import { recordAudit } from '../accounts/audit.service';
import type { Grant } from '../auth/viewer';
import type { Context } from '../context';
import { cancelActiveEnrolments, notifySessionChanged, promoteWaitlisted, seatsTaken } from '../enrolment/enrolment.service';
import { DomainError, invalidTransition } from '../graphql/errors';
import { localIdOf, toGlobalId } from '../graphql/global-id';
import { Refusals, validateInput } from '../graphql/validation';
import { TrainingStatus } from './catalogue.enums';
import type { SessionInput, SessionUpdateInput } from './session.inputs';
import { lockEditableTraining } from './training-editing.service';
import { TrainingSession } from './training-session.entity';
import type { Training } from './training.entity';
import { recordChanges } from '../integration/catalogue-changes';
import { ChangeType } from '../integration/integration.enums';

export type Schedule = Pick<TrainingSession, 'startsAt' | 'endsAt' | 'enrolmentOpensAt' | 'enrolmentClosesAt'>;

/** Dates that make sense together; each refusal names the field to correct (under `path`: the input). */
export function checkSchedule(schedule: Schedule, path: string[] = ['input']): void {
  const refusals = new Refusals();
  if (schedule.endsAt <= schedule.startsAt) refusals.add('VALIDATION', 'La session doit finir après avoir commencé.', [...path, 'endsAt']);
  else if (schedule.enrolmentClosesAt > schedule.endsAt) {
    refusals.add('VALIDATION', 'Les inscriptions doivent fermer au plus tard à la fin de la session.', [...path, 'enrolmentClosesAt']);
  }
  if (schedule.enrolmentOpensAt >= schedule.enrolmentClosesAt) {
    refusals.add('VALIDATION', 'Les inscriptions doivent ouvrir avant de fermer.', [...path, 'enrolmentOpensAt']);
  }
  refusals.throwIfAny();
}

/** A new session's dates: by default enrolment opens now and closes when the session starts. */
export function newSessionSchedule(input: Pick<SessionInput, 'startsAt' | 'endsAt' | 'enrolmentOpensAt' | 'enrolmentClosesAt'>, path: string[] = ['input']): Schedule {
  if (!input.enrolmentOpensAt && !input.enrolmentClosesAt && input.startsAt <= new Date()) {
    throw new DomainError(
      'VALIDATION',
      'La session a déjà commencé : la fenêtre d’inscription par défaut (de maintenant au début) serait vide ; précisez enrolmentOpensAt et enrolmentClosesAt.',
      [...path, 'startsAt'],
    );
  }
  const schedule: Schedule = {
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    enrolmentOpensAt: input.enrolmentOpensAt ?? new Date(),
    enrolmentClosesAt: input.enrolmentClosesAt ?? input.startsAt,
  };
  checkSchedule(schedule, path);
  return schedule;
}

/** Capacity never goes below the seats already taken. */
export function checkCapacity(capacity: number | null, taken: number, path: string[] = ['input']): void {
  if (capacity !== null && capacity < taken) {
    throw new DomainError('VALIDATION', `${taken} places sont déjà prises : la capacité ne peut pas descendre en dessous.`, [...path, 'capacity']);
  }
}

/** Sessions are operational: they change on drafts and live trainings alike, never on archived or rejected ones. */
async function lockTrainingForSessions(manager: EntityManager, grants: readonly Grant[], trainingGlobalId: string, field: string[]) {
  const training = await lockEditableTraining(manager, grants, trainingGlobalId, field);
  if (training.status === TrainingStatus.ARCHIVED || training.status === TrainingStatus.REJECTED) {
    throw invalidTransition(`Formation ${training.status === TrainingStatus.ARCHIVED ? 'archivée' : 'refusée'} : ses sessions ne changent plus.`);
  }
  return training;
}

/** For an editor's change: checks the caller may edit the training, locks it, then locks the live session. Enrolments take the same session lock, so seat counts hold. */
async function lockSessionForEditing(manager: EntityManager, grants: readonly Grant[], globalId: string): Promise<{ session: TrainingSession; training: Training }> {
  const id = localIdOf(globalId, 'TrainingSession');
  const found = id ? await manager.findOneBy(TrainingSession, { id }) : null;
  if (!found) throw new DomainError('NOT_FOUND', 'Session introuvable.', ['id']);
  const training = await lockTrainingForSessions(manager, grants, toGlobalId('Training', found.trainingId), ['id']);
  const session = await manager.findOneOrFail(TrainingSession, { where: { id: found.id }, lock: { mode: 'pessimistic_write' } });
  if (session.cancelled) throw invalidTransition('Session annulée : elle ne change plus.');
  return { session, training };
}

/** A session of a published training changed: an event of the public catalogue's feed. */
async function recordSessionChange(manager: EntityManager, type: ChangeType, training: Training, sessionId: string): Promise<void> {
  if (training.status === TrainingStatus.PUBLISHED) await recordChanges(manager, [{ type, trainingId: training.id, sessionId }]);
}

export async function createSession(ctx: Context, input: SessionInput): Promise<{ session: TrainingSession }> {
  await validateInput(input, ['input']);
  const grants = await ctx.grants();
  return ctx.db.transaction(async manager => {
    ctx.catalogueChanged();
    const training = await lockTrainingForSessions(manager, grants, input.trainingId, ['input', 'trainingId']);
    const schedule = newSessionSchedule(input);
    const session = manager.create(TrainingSession, {
      ...schedule,
      trainingId: training.id,
      capacity: input.capacity ?? null,
      location: input.location?.trim() || null,
    });
    await manager.save(session);
    await recordSessionChange(manager, ChangeType.SESSION_CREATED, training, session.id);
    return { session };
  });
}

export async function updateSession(ctx: Context, globalId: string, input: SessionUpdateInput): Promise<{ session: TrainingSession }> {
  await validateInput(input, ['input']);
  const grants = await ctx.grants();
  return ctx.db.transaction(async manager => {
    ctx.catalogueChanged();
    const { session, training } = await lockSessionForEditing(manager, grants, globalId);
    const startsAt = input.startsAt ?? session.startsAt;
    // Enrolment closing when the session starts (the default) keeps doing so when the session moves.
    const closesAtStart = session.enrolmentClosesAt.getTime() === session.startsAt.getTime();
    const schedule: Schedule = {
      startsAt,
      endsAt: input.endsAt ?? session.endsAt,
      // null resets a window bound to its default, as on creation.
      enrolmentOpensAt: input.enrolmentOpensAt === undefined ? session.enrolmentOpensAt : (input.enrolmentOpensAt ?? new Date()),
      enrolmentClosesAt:
        input.enrolmentClosesAt === undefined ? (closesAtStart ? startsAt : session.enrolmentClosesAt) : (input.enrolmentClosesAt ?? startsAt),
    };
    checkSchedule(schedule);
    const capacity = input.capacity === undefined ? session.capacity : input.capacity;
    const taken = await seatsTaken(manager, session.id);
    checkCapacity(capacity, taken);
    const location = input.location === undefined ? session.location : input.location?.trim() || null;
    await manager.update(TrainingSession, { id: session.id }, { ...schedule, capacity, location });
    // Seats added (or no limit any more): the agents waiting get them, first come first served.
    await promoteWaitlisted(ctx, manager, [{ id: session.id, capacity }]);
    const moved = schedule.startsAt.getTime() !== session.startsAt.getTime() || schedule.endsAt.getTime() !== session.endsAt.getTime();
    if (moved || location !== session.location) await notifySessionChanged(ctx, manager, [session.id]);
    const windowMoved =
      schedule.enrolmentOpensAt.getTime() !== session.enrolmentOpensAt.getTime() || schedule.enrolmentClosesAt.getTime() !== session.enrolmentClosesAt.getTime();
    if (moved || windowMoved || location !== session.location || capacity !== session.capacity) {
      await recordSessionChange(manager, ChangeType.SESSION_UPDATED, training, session.id);
    }
    return { session: await manager.findOneByOrFail(TrainingSession, { id: session.id }) };
  });
}

/** Cancels the session and every active enrolment in it; the session stays visible, marked cancelled. */
export async function cancelSession(ctx: Context, globalId: string): Promise<{ session: TrainingSession }> {
  const grants = await ctx.grants();
  return ctx.db.transaction(async manager => {
    ctx.catalogueChanged();
    const { session, training } = await lockSessionForEditing(manager, grants, globalId);
    await manager.update(TrainingSession, { id: session.id }, { cancelled: true, cancelledAt: () => 'now()' });
    await recordSessionChange(manager, ChangeType.SESSION_CANCELLED, training, session.id);
    const cancelledEnrolments = await cancelActiveEnrolments(ctx, manager, session.id);
    await recordAudit(ctx, manager, 'SESSION_CANCELLED', toGlobalId('TrainingSession', session.id), { cancelledEnrolments });
    return { session: await manager.findOneByOrFail(TrainingSession, { id: session.id }) };
  });
}
