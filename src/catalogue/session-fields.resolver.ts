import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { SeatCount } from '../graphql/cache-control';
import { TrainingSession } from './training-session.entity';
import { Training } from './training.entity';

@Resolver(() => TrainingSession)
export class SessionFieldsResolver {
  @FieldResolver(() => Training)
  async training(@Root() session: TrainingSession, @Ctx() ctx: Context): Promise<Training> {
    // Sessions are only reachable through a visible training, so this load always finds it.
    return (await ctx.loaders.visibleTrainingById.load(session.trainingId))!;
  }

  @SeatCount()
  @FieldResolver(() => Int, { nullable: true, description: 'Seats still free; null when the session is unlimited.' })
  seatsLeft(@Root() session: TrainingSession): number | null {
    return session.capacity === null ? null : Math.max(session.capacity - session.seatsTaken, 0);
  }
}
