import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { DeletePayload } from '../graphql/delete-payload';
import { runMutation } from '../graphql/run-mutation';
import { deleteFaqEntry, deleteTourStep, upsertFaqEntry, upsertTourStep } from './content-editing.service';
import { CONTENT_EDITORS } from './content-rights';
import { FaqEntryInput, TourStepInput } from './content.inputs';
import { FaqEntryPayload, TourStepPayload } from './content.types';

/** Editing the FAQ and the guided tour; every change is in the audit trail. */
@Authorized(...CONTENT_EDITORS)
@Resolver()
export class ContentEditingResolver {
  @Mutation(() => FaqEntryPayload, {
    description: 'EDITORIAL_COMMITTEE or ADMIN. Without input.id: a new entry; with it: replaces that entry. Positions stay 1..n within each category.',
  })
  upsertFaqEntry(@Ctx() ctx: Context, @Arg('input') input: FaqEntryInput): Promise<FaqEntryPayload> {
    return runMutation(ctx, () => upsertFaqEntry(ctx, input));
  }

  @Mutation(() => DeletePayload, { description: 'EDITORIAL_COMMITTEE or ADMIN. The entries after it in its category move up by one.' })
  deleteFaqEntry(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<DeletePayload> {
    return runMutation(ctx, () => deleteFaqEntry(ctx, id));
  }

  @Mutation(() => TourStepPayload, {
    description: 'EDITORIAL_COMMITTEE or ADMIN. Without input.id: a new step; with it: replaces that step. Positions stay 1..n within each page.',
  })
  upsertTourStep(@Ctx() ctx: Context, @Arg('input') input: TourStepInput): Promise<TourStepPayload> {
    return runMutation(ctx, () => upsertTourStep(ctx, input));
  }

  @Mutation(() => DeletePayload, { description: 'EDITORIAL_COMMITTEE or ADMIN. The steps after it on its page move up by one.' })
  deleteTourStep(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<DeletePayload> {
    return runMutation(ctx, () => deleteTourStep(ctx, id));
  }
}
