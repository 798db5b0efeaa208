import type { EntityManager } from 'typeorm';
import { ACTIVE_ENROLMENT_STATUSES, EnrolmentStatus } from './enrolment.enums';

const UNLIMITED = 2 ** 31 - 1;

/** Seats held in a session (confirmed or completed enrolments); the caller holds the session's row lock. */
export async function seatsTaken(manager: EntityManager, sessionId: string): Promise<number> {
  const [{ taken }] = await manager.query(
    `SELECT count(*)::int AS taken FROM enrolment WHERE session_id = $1 AND status IN ($2, $3)`,
    [sessionId, EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED],
  );
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
