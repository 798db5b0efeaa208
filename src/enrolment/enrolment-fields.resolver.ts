import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { User } from '../accounts/user.entity';
import { visibleUser } from '../accounts/user.service';
import { TrainingSession } from '../catalogue/training-session.entity';
import { Training } from '../catalogue/training.entity';
import type { Context } from '../context';
import { ViewerDependent } from '../graphql/cache-control';
import { Attestation } from './attestation.entity';
import { Eligibility } from './eligibility';
import { eligibilityFor, enrolledTraining } from './enrolment-queries';
import { Enrolment } from './enrolment.entity';

/** What an anonymised enrolment shows in place of its agent's name. */
const DELETED_ACCOUNT_NAME = 'Compte supprimé';

@Resolver(() => Enrolment)
export class EnrolmentFieldsResolver {
  @FieldResolver(() => User, {
    nullable: true,
    description: 'The account, for those who may see it (its owner, admins, HR correspondents of its employer); else null — see agentName.',
  })
  user(@Root() enrolment: Enrolment, @Ctx() ctx: Context): Promise<User | null> {
    return visibleUser(ctx, enrolment.userId);
  }

  @FieldResolver(() => String, { description: 'Display name of the enrolled agent, for everyone who may read the enrolment; "Compte supprimé" once the account is deleted.' })
  async agentName(@Root() enrolment: Enrolment, @Ctx() ctx: Context): Promise<string> {
    if (enrolment.userId === null) return DELETED_ACCOUNT_NAME;
    return (await ctx.loaders.userById.load(enrolment.userId))!.displayName;
  }

  @FieldResolver(() => TrainingSession)
  async session(@Root() enrolment: Enrolment, @Ctx() ctx: Context): Promise<TrainingSession> {
    const session = (await ctx.loaders.sessionById.load(enrolment.sessionId))!;
    await enrolledTraining(ctx, session.trainingId);
    return session;
  }

  @FieldResolver(() => Training)
  async training(@Root() enrolment: Enrolment, @Ctx() ctx: Context): Promise<Training> {
    const session = (await ctx.loaders.sessionById.load(enrolment.sessionId))!;
    return enrolledTraining(ctx, session.trainingId);
  }

  @FieldResolver(() => Attestation, {
    nullable: true,
    description: 'Issued on completion. Null once the account is deleted: the attestation names its holder, and is then checked by its code only.',
  })
  async attestation(@Root() enrolment: Enrolment, @Ctx() ctx: Context): Promise<Attestation | null> {
    return enrolment.userId === null ? null : ctx.loaders.attestationByEnrolment.load(enrolment.id);
  }
}

@Resolver(() => Training)
export class TrainingEligibilityResolver {
  @ViewerDependent()
  @FieldResolver(() => Eligibility, { nullable: true, description: 'Whether the signed-in user matches the audience rule; null when anonymous.' })
  async eligibility(@Root() training: Training, @Ctx() ctx: Context): Promise<Eligibility | null> {
    return eligibilityFor(ctx, training);
  }
}
