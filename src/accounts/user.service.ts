import type { Context } from '../context';
import { maySeeUser } from './user-rights';
import { User } from './user.entity';

export function findUser(ctx: Context, id: string): Promise<User | null> {
  return ctx.db.getRepository(User).findOneBy({ id });
}

/** The account, for those who may see it (rights read from the database, as they stand now); else null. */
export async function visibleUser(ctx: Context, id: string | null): Promise<User | null> {
  if (id === null || ctx.viewer.userId === null) return null;
  const user = await ctx.loaders.userById.load(id);
  return user && maySeeUser(ctx.viewer, await ctx.grants(), user) ? user : null;
}

/** Whether the viewer may read this account's e-mail address: the same people who may see the account. */
export async function visibleEmail(ctx: Context, user: User): Promise<string | null> {
  return maySeeUser(ctx.viewer, await ctx.grants(), user) ? user.email : null;
}
