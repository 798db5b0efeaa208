import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, ArgsType, Ctx, Field, Info, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { connectionCost } from '../graphql/complexity';
import { catalogueReads } from './catalogue-cost';
import { selectedFields, selectsField } from '../graphql/selection';
import { Training } from './training.entity';
import { findTrainingBySlug, listTrainings } from './training.service';
import { TrainingFilter, TrainingOrder } from './training.inputs';
import { TrainingConnection } from './training.types';

@ArgsType()
class TrainingsArgs {
  @Field(() => String, {
    nullable: true,
    description: 'French full-text search (accents and plurals ignored; "phrase", -exclusion, or; the last word as a prefix; typo-tolerant).',
  })
  search?: string | null;

  @Field(() => TrainingFilter, { nullable: true })
  filter?: TrainingFilter | null;

  @Field(() => TrainingOrder, { nullable: true, description: 'Default: RELEVANCE with a search, else NEWEST.' })
  orderBy?: TrainingOrder | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 100; default 20.' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

@Resolver(() => Training)
export class TrainingResolver {
  @Query(() => TrainingConnection, { description: 'The catalogue, as the caller may see it.', complexity: connectionCost(catalogueReads) })
  trainings(@Ctx() ctx: Context, @Args() args: TrainingsArgs, @Info() info: GraphQLResolveInfo): Promise<TrainingConnection> {
    return listTrainings(ctx, { ...args, withTotal: selectsField(info, 'totalCount'), fields: selectedFields(info, ['edges', 'node']) });
  }

  @Query(() => Training, { nullable: true })
  training(@Ctx() ctx: Context, @Arg('slug') slug: string): Promise<Training | null> {
    return findTrainingBySlug(ctx, slug);
  }
}
