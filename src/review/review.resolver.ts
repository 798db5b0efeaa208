import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, ID, Info, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../accounts/accounts.enums';
import { TrainingPayload } from '../catalogue/training.types';
import { TrainingConnection } from '../catalogue/training.types';
import type { Context } from '../context';
import { catalogueReads } from '../catalogue/catalogue-cost';
import { connectionCost } from '../graphql/complexity';
import { selectsField } from '../graphql/selection';
import { runMutation } from '../graphql/run-mutation';
import { Committee } from './review.enums';
import { ReviewInput } from './review.inputs';
import { ReviewPayload } from './review.types';
import { reviewQueue, reviewTraining, submitTraining } from './review.service';

@Resolver()
export class ReviewResolver {
  @Authorized(Role.EDITOR, Role.ADMIN)
  @Mutation(() => TrainingPayload, {
    description: "The training's editors, or ADMIN. DRAFT or CHANGES_REQUESTED (or a published training's pending revision) → SUBMITTED.",
  })
  submitTraining(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<TrainingPayload> {
    return runMutation(ctx, () => submitTraining(ctx, id));
  }

  @Authorized(Role.EDITORIAL_COMMITTEE, Role.TECHNICAL_COMMITTEE)
  @Mutation(() => ReviewPayload, {
    description: "The committee's members, never for a partner they edit for. Published once both committees approve the same submission.",
  })
  reviewTraining(@Ctx() ctx: Context, @Arg('input') input: ReviewInput): Promise<ReviewPayload> {
    return runMutation(ctx, () => reviewTraining(ctx, input));
  }

  @Authorized(Role.EDITORIAL_COMMITTEE, Role.TECHNICAL_COMMITTEE, Role.ADMIN)
  @Query(() => TrainingConnection, { description: 'Submitted versions still waiting for this committee, oldest submission first.', complexity: connectionCost(catalogueReads) })
  reviewQueue(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('committee', () => Committee) committee: Committee,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<TrainingConnection> {
    return reviewQueue(ctx, committee, { first, after, withTotal: selectsField(info, 'totalCount') });
  }
}
