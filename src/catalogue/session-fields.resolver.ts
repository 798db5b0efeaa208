import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { TrainingSession } from './training-session.entity';
import { Training } from './training.entity';

@Resolver(() => TrainingSession)
export class SessionFieldsResolver {
  @FieldResolver(() => Training)
  async training(@Root() session: TrainingSession, @Ctx() ctx: Context): Promise<Training> {
    // Sessions are only reachable through a visible training, so this load always finds it.
    return (await ctx.loaders.visibleTrainingById.load(session.trainingId))!;
  }

  @FieldResolver(() => Int, { description: 'Seats held by confirmed enrolments.' })
  async seatsTaken(@Root() session: TrainingSession, @Ctx() ctx: Context): Promise<number> {
    return (await ctx.loaders.seatCounts.load(session.id)).taken;
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Seats still free; null when the session is unlimited.' })
  async seatsLeft(@Root() session: TrainingSession, @Ctx() ctx: Context): Promise<number | null> {
    if (session.capacity === null) return null;
    return Math.max(session.capacity - (await ctx.loaders.seatCounts.load(session.id)).taken, 0);
  }

  @FieldResolver(() => Int, { description: 'Agents waiting for a seat.' })
  async waitlistLength(@Root() session: TrainingSession, @Ctx() ctx: Context): Promise<number> {
    return (await ctx.loaders.seatCounts.load(session.id)).waitlisted;
  }
}
