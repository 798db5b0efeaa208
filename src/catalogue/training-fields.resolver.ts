import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, Info, Int, Resolver, Root } from 'type-graphql';
import { selectedFields } from '../graphql/selection';
import type { Context } from '../context';
import { perPageItem } from '../graphql/complexity';
import { Partner } from './partner.entity';
import { Training } from './training.entity';
import { sessionsOf } from './training.service';
import { AudienceRule, TrainingSessionConnection } from './training.types';

/** Relations of a training beyond its sheet's (see SheetFieldsResolver), through per-request loaders. */
@Resolver(() => Training)
export class TrainingFieldsResolver {
  @FieldResolver(() => Partner)
  async partner(@Root() training: Training, @Ctx() ctx: Context): Promise<Partner> {
    return (await ctx.loaders.partnerById.load(training.partnerId))!;
  }

  @FieldResolver(() => TrainingSessionConnection, { complexity: perPageItem, description: 'Sessions, soonest first.' })
  sessions(
    @Root() training: Training,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('upcoming', () => Boolean, { nullable: true, description: 'Only sessions that have not started yet.' })
    upcoming?: boolean | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<TrainingSessionConnection> {
    return sessionsOf(ctx, training, { upcoming, first, after, fields: selectedFields(info, ['edges', 'node']) });
  }
}

@Resolver(() => AudienceRule)
export class AudienceRuleResolver {
  @FieldResolver(() => [Partner], { description: "Employers whose agents may enrol." })
  partners(@Root() rule: AudienceRule, @Ctx() ctx: Context): Promise<Partner[]> {
    return ctx.loaders.partnerById.loadMany(rule.partnerIds);
  }
}
