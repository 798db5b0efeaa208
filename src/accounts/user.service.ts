import { holds, type Viewer } from '../auth/viewer';
import type { Context } from '../context';
import { Role } from './accounts.enums';
import { User } from './user.entity';

export function findUser(ctx: Context, id: string): Promise<User | null> {
  return ctx.db.getRepository(User).findOneBy({ id });
}

/** A user's account (e-mail included) is for its owner, admins, and HR correspondents of the user's employer. */
export function canSeeUser(viewer: Viewer, user: User): boolean {
  if (viewer.userId === user.id || holds(viewer, Role.ADMIN)) return true;
  return user.employerId !== null && viewer.grants.some(grant => grant.role === Role.HR_CORRESPONDENT && grant.partnerId === user.employerId);
}

/** `node(id)` for a user: null for anyone who may not see that account. */
export async function findVisibleUser(ctx: Context, id: string): Promise<User | null> {
  if (ctx.viewer.userId === null) return null;
  const user = await findUser(ctx, id);
  return user && canSeeUser(ctx.viewer, user) ? user : null;
}
