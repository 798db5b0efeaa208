import type { Context } from '../context';
import { User } from './user.entity';

export function findUser(ctx: Context, id: string): Promise<User | null> {
  return ctx.db.getRepository(User).findOneBy({ id });
}
