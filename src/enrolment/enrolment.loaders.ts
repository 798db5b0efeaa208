import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { byIdLoader, MAX_BATCH } from '../db/by-id-loader';
import { Attestation } from './attestation.entity';
import { Enrolment } from './enrolment.entity';
import { EnrolmentStatus, SEAT_STATUSES } from './enrolment.enums';

export interface SeatCounts {
  taken: number;
  waitlisted: number;
}

/** Seats held and places in line, for a batch of sessions in one statement. */
async function countSeats(db: DataSource, sessionIds: readonly string[]): Promise<SeatCounts[]> {
  const rows: { session_id: string; taken: number; waitlisted: number }[] = await db.query(
    `SELECT session_id,
       (count(*) FILTER (WHERE status = ANY($2::enrolment_status_enum[])))::int AS taken,
       (count(*) FILTER (WHERE status = $3))::int AS waitlisted
     FROM enrolment WHERE session_id = ANY($1::uuid[]) AND (status = ANY($2::enrolment_status_enum[]) OR status = $3) GROUP BY session_id`,
    [sessionIds, SEAT_STATUSES, EnrolmentStatus.WAITLISTED],
  );
  const counts = new Map(rows.map(row => [row.session_id, { taken: row.taken, waitlisted: row.waitlisted }]));
  return sessionIds.map(id => counts.get(id) ?? { taken: 0, waitlisted: 0 });
}

export function createEnrolmentLoaders(db: DataSource) {
  return {
    seatCounts: new DataLoader<string, SeatCounts>(ids => countSeats(db, ids), { maxBatchSize: MAX_BATCH }),
    enrolmentById: byIdLoader(db, Enrolment),
    attestationByEnrolment: new DataLoader<string, Attestation | null>(
      async enrolmentIds => {
        const attestations = await db.getRepository(Attestation).findBy({ enrolmentId: In([...enrolmentIds]) });
        return enrolmentIds.map(id => attestations.find(attestation => attestation.enrolmentId === id) ?? null);
      },
      { maxBatchSize: MAX_BATCH },
    ),
  };
}
