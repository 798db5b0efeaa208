import type { EntityManager } from 'typeorm';
import type { Context } from '../context';
import { ACTIVE_ENROLMENT_STATUSES, EnrolmentStatus } from './enrolment.enums';
import { promoteWaitlisted, type SessionSeats } from './enrolment.service';

interface EnrolmentErasure {
  /** Seats and places in line given up (the next in line promoted). */
  released: number;
  /** Enrolments kept in their sessions' history without their agent. */
  anonymised: number;
  /** Attestations revoked at the holder's request. */
  revoked: number;
}

/**
 * Before an account is deleted: its seats and places in line in sessions not yet over are released
 * as a cancellation would (sessions locked in id order, the first in line promoted and told), so
 * that waiting lines and seat counters stay right — a plain cascade would break them; in sessions
 * over, attendance stays as it was. Then its enrolments and attestations lose their link to it:
 * history keeps the seat, an attestation stays verifiable (the holder's name is part of what was
 * signed) unless revoked, and a revoked one keeps neither the name nor the signed credential.
 * The caller holds the account's lock.
 */
export async function eraseEnrolmentsOf(ctx: Context, manager: EntityManager, userId: string, revokeAttestations: boolean): Promise<EnrolmentErasure> {
  const sessions: SessionSeats[] = await manager.query(
    `SELECT s.id, s.capacity FROM training_session s
     WHERE s.ends_at > now() AND s.id IN (SELECT session_id FROM enrolment WHERE user_id = $1 AND status = ANY($2::enrolment_status_enum[]))
     ORDER BY s.id FOR UPDATE OF s`,
    [userId, ACTIVE_ENROLMENT_STATUSES],
  );
  const [, released]: [unknown, number] = await manager.query(
    `UPDATE enrolment SET status = $3, waitlist_position = NULL, cancelled_at = now(), updated_at = now()
     WHERE user_id = $1 AND status = ANY($2::enrolment_status_enum[]) AND session_id = ANY($4::uuid[])`,
    [userId, ACTIVE_ENROLMENT_STATUSES, EnrolmentStatus.CANCELLED, sessions.map(session => session.id)],
  );
  await promoteWaitlisted(ctx, manager, sessions);
  const [, revoked]: [unknown, number] = revokeAttestations
    ? await manager.query(`UPDATE attestation SET revoked_at = now(), holder_name = '', credential = '' WHERE user_id = $1 AND revoked_at IS NULL`, [userId])
    : [null, 0];
  await manager.query('UPDATE attestation SET user_id = NULL WHERE user_id = $1', [userId]);
  const [, anonymised]: [unknown, number] = await manager.query('UPDATE enrolment SET user_id = NULL, updated_at = now() WHERE user_id = $1', [userId]);
  return { released, anonymised, revoked };
}
