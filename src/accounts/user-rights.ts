import type { Grant, Viewer } from '../auth/viewer';
import { grantsInclude } from '../auth/viewer';
import { Role } from './accounts.enums';

/**
 * A user's account (e-mail included) is for its owner, admins, and HR correspondents of the user's
 * employer once the account proved its mailbox (before that, it is not known to be their agent).
 */
export function maySeeUser(viewer: Viewer, grants: readonly Grant[], user: { id: string; employerId: string | null; emailVerified: boolean }): boolean {
  if (viewer.userId === user.id || grantsInclude(grants, Role.ADMIN)) return true;
  return user.emailVerified && user.employerId !== null && grants.some(grant => grant.role === Role.HR_CORRESPONDENT && grant.partnerId === user.employerId);
}
