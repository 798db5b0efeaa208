import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { User } from '../accounts/user.entity';
import { canSeeUser } from '../accounts/user.service';
import { Training } from '../catalogue/training.entity';
import { mayFollowReview } from '../catalogue/training-visibility';
import type { Context } from '../context';
import { Review } from './review.entity';
import { changedFields } from './revision.service';
import { TrainingRevision } from './training-revision.entity';

/** The review side of a training: only for its partner's editors, both committees and admins. */
@Resolver(() => Training)
export class TrainingReviewFieldsResolver {
  @FieldResolver(() => [Review], { description: "Committees' decisions, oldest first; empty for those who may not follow the review." })
  async reviews(@Root() training: Training, @Ctx() ctx: Context): Promise<Review[]> {
    if (!mayFollowReview(await ctx.grants(), training.partnerId)) return [];
    return ctx.loaders.reviewsByTraining.load(training.id);
  }

  @FieldResolver(() => Date, { nullable: true, description: 'When the training or its revision was last submitted; null for those who may not follow the review.' })
  async submittedAt(@Root() training: Training, @Ctx() ctx: Context): Promise<Date | null> {
    return mayFollowReview(await ctx.grants(), training.partnerId) ? training.submittedAt : null;
  }

  @FieldResolver(() => TrainingRevision, {
    nullable: true,
    description: 'Changes to this published training waiting for approval; null when none, or for those who may not follow the review.',
  })
  async pendingRevision(@Root() training: Training, @Ctx() ctx: Context): Promise<TrainingRevision | null> {
    if (!mayFollowReview(await ctx.grants(), training.partnerId)) return null;
    return ctx.loaders.openRevisionByTraining.load(training.id);
  }
}

@Resolver(() => TrainingRevision)
export class RevisionFieldsResolver {
  @FieldResolver(() => Training, { description: 'The live training this revision would change.' })
  async training(@Root() revision: TrainingRevision, @Ctx() ctx: Context): Promise<Training> {
    return (await ctx.loaders.visibleTrainingById.load(revision.trainingId))!;
  }

  @FieldResolver(() => [String], { description: 'Fields (as named in TrainingInput) whose proposed value differs from the live one.' })
  async changedFields(@Root() revision: TrainingRevision, @Ctx() ctx: Context): Promise<string[]> {
    const training = await ctx.loaders.visibleTrainingById.load(revision.trainingId);
    return training ? changedFields(training, revision) : [];
  }
}

@Resolver(() => Review)
export class ReviewFieldsResolver {
  @FieldResolver(() => Training)
  async training(@Root() review: Review, @Ctx() ctx: Context): Promise<Training> {
    return (await ctx.loaders.visibleTrainingById.load(review.trainingId))!;
  }

  @FieldResolver(() => User, { nullable: true, description: 'The account, for those who may see it (the reviewer, admins); else null — see reviewerName.' })
  async reviewer(@Root() review: Review, @Ctx() ctx: Context): Promise<User | null> {
    const reviewer = review.reviewerId ? await ctx.loaders.userById.load(review.reviewerId) : null;
    return reviewer && canSeeUser(ctx.viewer, reviewer) ? reviewer : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Display name of the reviewer; null once the account is deleted.' })
  async reviewerName(@Root() review: Review, @Ctx() ctx: Context): Promise<string | null> {
    const reviewer = review.reviewerId ? await ctx.loaders.userById.load(review.reviewerId) : null;
    return reviewer?.displayName ?? null;
  }
}
