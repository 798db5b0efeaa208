import { registerEnumType } from 'type-graphql';

export enum EnrolmentStatus {
  CONFIRMED = 'CONFIRMED',
  WAITLISTED = 'WAITLISTED',
  CANCELLED = 'CANCELLED',
  COMPLETED = 'COMPLETED',
}

/** Enrolments that hold a seat or a place in line. */
export const ACTIVE_ENROLMENT_STATUSES = [EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITLISTED];

registerEnumType(EnrolmentStatus, { name: 'EnrolmentStatus', description: 'Where an enrolment stands.' });
