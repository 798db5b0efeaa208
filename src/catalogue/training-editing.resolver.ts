import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { Role } from '../accounts/accounts.enums';
import type { Context } from '../context';
import { runMutation } from '../graphql/run-mutation';
import { SessionInput, SessionUpdateInput } from './session.inputs';
import { SessionPayload } from './session.types';
import { cancelSession, createSession, updateSession } from './session.service';
import { archiveTraining, createTraining, updateTraining } from './training-editing.service';
import { TrainingInput, TrainingUpdateInput } from './training.inputs';
import { TrainingPayload } from './training.types';

/** Writing the catalogue: partners' editors (for their partner) and admins; the services check the partner. */
@Authorized(Role.EDITOR, Role.ADMIN)
@Resolver()
export class TrainingEditingResolver {
  @Mutation(() => TrainingPayload, { description: 'EDITOR of input.partner, or ADMIN. Creates a DRAFT.' })
  createTraining(@Ctx() ctx: Context, @Arg('input') input: TrainingInput): Promise<TrainingPayload> {
    return runMutation(ctx, () => createTraining(ctx, input));
  }

  @Mutation(() => TrainingPayload, {
    description: "The training's editors, or ADMIN. Drafts change in place; a published training keeps its live version and the changes wait in `pendingRevision`.",
  })
  updateTraining(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('input') input: TrainingUpdateInput): Promise<TrainingPayload> {
    return runMutation(ctx, () => updateTraining(ctx, id, input));
  }

  @Mutation(() => TrainingPayload, { description: "The training's editors, or ADMIN. PUBLISHED → ARCHIVED: out of the catalogue; enrolments and attestations stay." })
  archiveTraining(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<TrainingPayload> {
    return runMutation(ctx, () => archiveTraining(ctx, id));
  }

  @Mutation(() => SessionPayload, { description: "The training's editors, or ADMIN; on drafts and live trainings alike." })
  createSession(@Ctx() ctx: Context, @Arg('input') input: SessionInput): Promise<SessionPayload> {
    return runMutation(ctx, () => createSession(ctx, input));
  }

  @Mutation(() => SessionPayload, { description: "The training's editors, or ADMIN. Added seats go to the agents waiting, in order." })
  updateSession(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('input') input: SessionUpdateInput): Promise<SessionPayload> {
    return runMutation(ctx, () => updateSession(ctx, id, input));
  }

  @Mutation(() => SessionPayload, { description: "The training's editors, or ADMIN. Cancels the session's active enrolments too." })
  cancelSession(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<SessionPayload> {
    return runMutation(ctx, () => cancelSession(ctx, id));
  }
}
