import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { Collection } from './collection.entity';
import { Licence } from './licence.entity';
import { Partner } from './partner.entity';
import { TrainingSheet } from './training-sheet';
import { AudienceRule } from './training.types';

/**
 * Relations of a presentation sheet (a training's or a revision's), each through a per-request
 * loader so that a page costs a fixed number of statements.
 */
@Resolver(() => TrainingSheet)
export class SheetFieldsResolver {
  @FieldResolver(() => Licence)
  async licence(@Root() sheet: TrainingSheet, @Ctx() ctx: Context): Promise<Licence> {
    return (await ctx.loaders.licenceById.load(sheet.licenceId))!;
  }

  @FieldResolver(() => Collection)
  async collection(@Root() sheet: TrainingSheet, @Ctx() ctx: Context): Promise<Collection> {
    return (await ctx.loaders.collectionById.load(sheet.collectionId))!;
  }

  @FieldResolver(() => [Partner], { description: 'Partners that co-fund the training.' })
  coFunders(@Root() sheet: TrainingSheet, @Ctx() ctx: Context): Promise<Partner[]> {
    return ctx.loaders.partnerById.loadMany(sheet.coFunderIds) as Promise<Partner[]>;
  }

  @FieldResolver(() => AudienceRule, { description: 'Who may enrol; empty lists mean no restriction on that axis.' })
  audienceRule(@Root() sheet: TrainingSheet): AudienceRule {
    return Object.assign(new AudienceRule(), {
      partnerIds: sheet.audiencePartnerIds,
      categories: sheet.audienceCategories,
      functions: sheet.audienceFunctions,
    });
  }
}
