import type { DataSource } from 'typeorm';
import { toGlobalId } from '../graphql/global-id';
import { Attestation } from './attestation.entity';

interface EnrolmentRow {
  id: string;
  status: string;
  waitlist_position: number | null;
  enrolled_at: Date;
  completed_at: Date | null;
  cancelled_at: Date | null;
  session_id: string;
  starts_at: Date;
  ends_at: Date;
  location: string | null;
  training_id: string;
  slug: string;
  title: string;
}

/** A user's enrolments (with their sessions and trainings) and attestations, for the RGPD export. */
export async function enrolmentDataOf(db: DataSource, userId: string, publicUrl: string) {
  const enrolments: EnrolmentRow[] = await db.query(
    `SELECT e.id, e.status, e.waitlist_position, e.enrolled_at, e.completed_at, e.cancelled_at,
            s.id AS session_id, s.starts_at, s.ends_at, s.location, t.id AS training_id, t.slug, t.title
     FROM enrolment e JOIN training_session s ON s.id = e.session_id JOIN training t ON t.id = s.training_id
     WHERE e.user_id = $1 ORDER BY e.enrolled_at, e.id`,
    [userId],
  );
  const attestations = await db.getRepository(Attestation).find({ where: { userId }, order: { issuedAt: 'ASC', id: 'ASC' } });
  return {
    enrolments: enrolments.map(row => ({
      id: toGlobalId('Enrolment', row.id),
      status: row.status,
      waitlistPosition: row.waitlist_position,
      enrolledAt: row.enrolled_at,
      completedAt: row.completed_at,
      cancelledAt: row.cancelled_at,
      session: { id: toGlobalId('TrainingSession', row.session_id), startsAt: row.starts_at, endsAt: row.ends_at, location: row.location },
      training: { id: toGlobalId('Training', row.training_id), slug: row.slug, title: row.title },
    })),
    attestations: attestations.map(attestation => ({
      id: toGlobalId('Attestation', attestation.id),
      code: attestation.code,
      holderName: attestation.holderName,
      trainingTitle: attestation.trainingTitle,
      partnerName: attestation.partnerName,
      durationMinutes: attestation.durationMinutes,
      issuedAt: attestation.issuedAt,
      credential: attestation.credential,
      pdfUrl: `${publicUrl}/attestations/${encodeURIComponent(attestation.code)}.pdf`,
    })),
  };
}
