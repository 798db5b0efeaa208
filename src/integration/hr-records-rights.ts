import { Role } from '../accounts/accounts.enums';
import { scope, type Permission } from '../auth/auth-checker';
import { grantsInclude, type Grant, type Viewer } from '../auth/viewer';

export const HR_SCOPE = 'hr:read';

/** What `@Authorized` checks for HR records (and the CSV route, through the same authChecker); the partner is checked below. */
export const HR_READERS: Permission[] = [Role.HR_CORRESPONDENT, Role.ADMIN, scope(HR_SCOPE)];

/**
 * Who reads a partner's HR records (its agents' completions): its HR correspondents, admins, and its
 * own API clients holding `hr:read` (scope and revocation are checked by the authChecker too).
 */
export function mayReadHrRecords(viewer: Viewer, grants: readonly Grant[], partnerId: string): boolean {
  if (viewer.client) return viewer.client.partnerId === partnerId && viewer.client.scopes.includes(HR_SCOPE);
  return grantsInclude(grants, Role.ADMIN) || grants.some(grant => grant.role === Role.HR_CORRESPONDENT && grant.partnerId === partnerId);
}
