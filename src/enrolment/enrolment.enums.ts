import { registerEnumType } from 'type-graphql';

export enum EnrolmentStatus {
  CONFIRMED = 'CONFIRMED',
  WAITLISTED = 'WAITLISTED',
  CANCELLED = 'CANCELLED',
  COMPLETED = 'COMPLETED',
}

/** Enrolments that took a seat: confirmed, or completed (a seat was used). Seats left = capacity minus these. */
export const SEAT_STATUSES = [EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED];

/** Enrolments that hold a seat or a place in line. */
export const ACTIVE_ENROLMENT_STATUSES = [EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITLISTED];

registerEnumType(EnrolmentStatus, { name: 'EnrolmentStatus', description: 'Where an enrolment stands.' });
