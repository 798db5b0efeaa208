import { Role } from '../accounts/accounts.enums';
import { grantsInclude, type Grant } from '../auth/viewer';
import { mayEdit } from '../catalogue/training-rights';
import { COMMITTEE_ROLE, type Committee } from './review.enums';

/** Whether the viewer follows this partner's trainings through review (reviews, pending revisions): its editors, both committees, admins. */
export function mayFollowReview(grants: readonly Grant[], partnerId: string): boolean {
  return mayEdit(grants, partnerId) || grantsInclude(grants, Role.EDITORIAL_COMMITTEE) || grantsInclude(grants, Role.TECHNICAL_COMMITTEE);
}

/** Whether the viewer speaks for this committee: a member of it. */
export function maySpeakFor(grants: readonly Grant[], committee: Committee): boolean {
  return grantsInclude(grants, COMMITTEE_ROLE[committee]);
}

/** Separation of duties: nobody reviews what they may edit (their partner's trainings; every training, for an admin). */
export function mayReviewTrainingOf(grants: readonly Grant[], partnerId: string): boolean {
  return !mayEdit(grants, partnerId);
}
