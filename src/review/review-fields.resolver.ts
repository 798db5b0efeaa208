import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { User } from '../accounts/user.entity';
import { visibleUser } from '../accounts/user.service';
import { Training } from '../catalogue/training.entity';
import type { Context } from '../context';
import { ViewerDependent } from '../graphql/cache-control';
import { pendingRevisionOf, reviewsOf, submittedAtOf } from './review-queries';
import { Review } from './review.entity';
import { changedFields } from './revision.service';
import { TrainingRevision } from './training-revision.entity';

/** The review side of a training: only for its partner's editors, both committees and admins. */
@Resolver(() => Training)
export class TrainingReviewFieldsResolver {
  @ViewerDependent()
  @FieldResolver(() => [Review], { description: "Committees' decisions, oldest first; empty for those who may not follow the review." })
  reviews(@Root() training: Training, @Ctx() ctx: Context): Promise<Review[]> {
    return reviewsOf(ctx, training);
  }

  @ViewerDependent()
  @FieldResolver(() => Date, { nullable: true, description: 'When the training or its revision was last submitted; null for those who may not follow the review.' })
  submittedAt(@Root() training: Training, @Ctx() ctx: Context): Promise<Date | null> {
    return submittedAtOf(ctx, training);
  }

  @ViewerDependent()
  @FieldResolver(() => TrainingRevision, {
    nullable: true,
    description: 'Changes to this published training waiting for approval; null when none, or for those who may not follow the review.',
  })
  pendingRevision(@Root() training: Training, @Ctx() ctx: Context): Promise<TrainingRevision | null> {
    return pendingRevisionOf(ctx, training);
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
  reviewer(@Root() review: Review, @Ctx() ctx: Context): Promise<User | null> {
    return visibleUser(ctx, review.reviewerId);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Display name of the reviewer; null once the account is deleted.' })
  async reviewerName(@Root() review: Review, @Ctx() ctx: Context): Promise<string | null> {
    const reviewer = review.reviewerId ? await ctx.loaders.userById.load(review.reviewerId) : null;
    return reviewer?.displayName ?? null;
  }
}
