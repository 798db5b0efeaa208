import { Role } from '../accounts/accounts.enums';
import { grantsInclude, type Grant } from '../auth/viewer';
import { mayEdit } from '../catalogue/training-rights';

/** Whether the viewer follows this partner's trainings through review (reviews, pending revisions): its editors, both committees, admins. */
export function mayFollowReview(grants: readonly Grant[], partnerId: string): boolean {
  return mayEdit(grants, partnerId) || grantsInclude(grants, Role.EDITORIAL_COMMITTEE) || grantsInclude(grants, Role.TECHNICAL_COMMITTEE);
}
