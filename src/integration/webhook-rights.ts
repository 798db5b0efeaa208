import { Role } from '../accounts/accounts.enums';
import { grantsInclude, type Grant, type Viewer } from '../auth/viewer';

export const WEBHOOKS_SCOPE = 'webhooks:manage';

/**
 * Who manages a partner's webhooks (create, list, delete, read deliveries, redeliver): its editors,
 * admins, and its own API clients holding `webhooks:manage` (the scope and revocation are checked by
 * `@Authorized`; the partner here).
 */
export function mayManageWebhooks(viewer: Viewer, grants: readonly Grant[], partnerId: string): boolean {
  if (viewer.client) return viewer.client.partnerId === partnerId && viewer.client.scopes.includes(WEBHOOKS_SCOPE);
  return grantsInclude(grants, Role.ADMIN) || grants.some(grant => grant.role === Role.EDITOR && grant.partnerId === partnerId);
}
