import type { Training } from '../catalogue/training.entity';
import type { Context } from '../context';
import { mayFollowReview } from './review-rights';
import { Review } from './review.entity';
import { TrainingRevision } from './training-revision.entity';

/** `node(id)` for a review or a revision: the same rights as `Training.reviews` and `Training.pendingRevision`. */
async function findFollowed<T extends Review | TrainingRevision>(ctx: Context, entity: new () => T, id: string): Promise<T | null> {
  const found = (await ctx.db.getRepository(entity).findOneBy({ id } as never)) as T | null;
  const training = found && (await ctx.loaders.visibleTrainingById.load(found.trainingId));
  return training && (await follows(ctx, training)) ? found : null;
}

export const findReview = (ctx: Context, id: string) => findFollowed(ctx, Review, id);
export const findRevision = (ctx: Context, id: string) => findFollowed(ctx, TrainingRevision, id);

async function follows(ctx: Context, training: Training): Promise<boolean> {
  return mayFollowReview(await ctx.grants(), training.partnerId);
}

/** Committees' decisions on a training, oldest first; none for those who may not follow its review. */
export async function reviewsOf(ctx: Context, training: Training): Promise<Review[]> {
  return (await follows(ctx, training)) ? ctx.loaders.reviewsByTraining.load(training.id) : [];
}

export async function submittedAtOf(ctx: Context, training: Training): Promise<Date | null> {
  return (await follows(ctx, training)) ? training.submittedAt : null;
}

export async function pendingRevisionOf(ctx: Context, training: Training): Promise<TrainingRevision | null> {
  return (await follows(ctx, training)) ? ctx.loaders.openRevisionByTraining.load(training.id) : null;
}
