import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { toConnection } from '../graphql/connection';
import { perPageItem } from '../graphql/complexity';
import { decodeCursor, pageSize } from '../graphql/pagination';
import { SESSION_LIST } from './catalogue.loaders';
import { Partner } from './partner.entity';
import { Training } from './training.entity';
import { AudienceRule, TrainingSessionConnection } from './training.types';

/** Relations of a training beyond its sheet's (see SheetFieldsResolver), through per-request loaders. */
@Resolver(() => Training)
export class TrainingFieldsResolver {
  @FieldResolver(() => Partner)
  async partner(@Root() training: Training, @Ctx() ctx: Context): Promise<Partner> {
    return (await ctx.loaders.partnerById.load(training.partnerId))!;
  }

  @FieldResolver(() => TrainingSessionConnection, { complexity: perPageItem, description: 'Sessions, soonest first.' })
  async sessions(
    @Root() training: Training,
    @Ctx() ctx: Context,
    @Arg('upcoming', () => Boolean, { nullable: true, description: 'Only sessions that have not started yet.' })
    upcoming?: boolean | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<TrainingSessionConnection> {
    // Checked here so that a bad cursor fails this field alone, not the whole batch of sessions.
    if (after !== null && after !== undefined) decodeCursor(after, SESSION_LIST, 'timestamptz');
    const key = { trainingId: training.id, upcoming: upcoming ?? false, size: pageSize(first), after: after ?? null };
    const page = await ctx.loaders.sessionPage.load(key);
    return toConnection(TrainingSessionConnection, page, async () => page.totalCount);
  }
}

@Resolver(() => AudienceRule)
export class AudienceRuleResolver {
  @FieldResolver(() => [Partner], { description: "Employers whose agents may enrol." })
  partners(@Root() rule: AudienceRule, @Ctx() ctx: Context): Promise<Partner[]> {
    return ctx.loaders.partnerById.loadMany(rule.partnerIds);
  }
}
