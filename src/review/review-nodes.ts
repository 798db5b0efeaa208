import { mayFollowReview } from '../catalogue/training-visibility';
import type { Context } from '../context';
import { Review } from './review.entity';
import { TrainingRevision } from './training-revision.entity';

/** `node(id)` for a review or a revision: the same rights as `Training.reviews` and `Training.pendingRevision`. */
async function findFollowed<T extends Review | TrainingRevision>(ctx: Context, entity: new () => T, id: string): Promise<T | null> {
  const found = (await ctx.db.getRepository(entity).findOneBy({ id } as never)) as T | null;
  const training = found && (await ctx.loaders.visibleTrainingById.load(found.trainingId));
  return training && mayFollowReview(await ctx.grants(), training.partnerId) ? found : null;
}

export const findReview = (ctx: Context, id: string) => findFollowed(ctx, Review, id);
export const findRevision = (ctx: Context, id: string) => findFollowed(ctx, TrainingRevision, id);
