import { Role } from '../accounts/accounts.enums';
import type { Grant, Viewer } from '../auth/viewer';
import { mayEdit } from '../catalogue/training-rights';

/** The people an enrolment concerns: its owner (and their employer), the training's partner. */
export interface EnrolmentParties {
  /** null once the account is deleted: the enrolment is nobody's own any more. */
  userId: string | null;
  employerId: string | null;
  partnerId: string;
}

/** The parties of an enrolment: the owner's employer counts once the owner proved the mailbox; no owner once the account is deleted. */
export function enrolmentParties(owner: { id: string; employerId: string | null; emailVerified: boolean } | null, partnerId: string): EnrolmentParties {
  if (!owner) return { userId: null, employerId: null, partnerId };
  return { userId: owner.id, employerId: owner.emailVerified ? owner.employerId : null, partnerId };
}

/** Whether the viewer owns the enrolment (an API client or an anonymised enrolment: never). */
const isOwner = (viewer: Viewer, parties: EnrolmentParties) => parties.userId !== null && viewer.userId === parties.userId;

/** Its owner, the training's editors, HR correspondents of the owner's employer, admins: nobody else. */
export function mayReadEnrolment(viewer: Viewer, grants: readonly Grant[], parties: EnrolmentParties): boolean {
  if (isOwner(viewer, parties) || mayEdit(grants, parties.partnerId)) return true;
  return parties.employerId !== null && grants.some(grant => grant.role === Role.HR_CORRESPONDENT && grant.partnerId === parties.employerId);
}

/** Its owner, the training's editors and admins. */
export function mayCancelEnrolment(viewer: Viewer, grants: readonly Grant[], parties: EnrolmentParties): boolean {
  return isOwner(viewer, parties) || mayEdit(grants, parties.partnerId);
}

/**
 * The training's editors and admins, never for their own enrolment, or an API client of the training's
 * partner (its `enrolments:complete` scope is checked by the authChecker).
 */
export function mayCompleteEnrolment(viewer: Viewer, grants: readonly Grant[], parties: EnrolmentParties): boolean {
  if (viewer.client) return viewer.client.partnerId === parties.partnerId;
  return !isOwner(viewer, parties) && mayEdit(grants, parties.partnerId);
}
