import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { PartnerKind } from './catalogue.enums';
import { Collection } from './collection.entity';
import { Licence } from './licence.entity';
import { Partner } from './partner.entity';
import { listCollections, listLicences, listPartners } from './reference.service';

@Resolver(() => Collection)
export class ReferenceResolver {
  @Query(() => [Collection], { description: 'The 12 collections, in display order.' })
  collections(@Ctx() ctx: Context): Promise<Collection[]> {
    return listCollections(ctx);
  }

  @Query(() => [Partner])
  partners(@Ctx() ctx: Context, @Arg('kind', () => PartnerKind, { nullable: true }) kind?: PartnerKind): Promise<Partner[]> {
    return listPartners(ctx, kind);
  }

  @Query(() => [Licence])
  licences(@Ctx() ctx: Context): Promise<Licence[]> {
    return listLicences(ctx);
  }

  @FieldResolver(() => Int, { description: 'Published trainings in this collection.' })
  trainingCount(@Root() collection: Collection, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.publishedTrainingCount.load(collection.id);
  }
}
