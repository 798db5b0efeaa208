import type { Role } from '../accounts/accounts.enums';

export interface Grant {
  role: Role;
  /** The partner (id) a scoped role applies to; null for global roles. */
  partnerId: string | null;
}

/** A partner integration calling with a client token. */
export interface ClientIdentity {
  id: string;
  partnerId: string;
  scopes: string[];
}

/**
 * Who is calling: a signed-in user, an API client, or nobody. A user's roles are not here: they
 * are read from the database for each request (`Context.grants`), so that a revocation applies at once.
 */
export interface Viewer {
  readonly userId: string | null;
  readonly client: ClientIdentity | null;
}

export const ANONYMOUS: Viewer = Object.freeze({ userId: null, client: null });

/** Whether `grants` hold `role`, for `partnerId` when given (global grants cover every partner). */
export function grantsInclude(grants: readonly Grant[], role: Role, partnerId?: string | null): boolean {
  return grants.some(grant => grant.role === role && (partnerId === undefined || grant.partnerId === null || grant.partnerId === partnerId));
}
