import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { listFaq, listTourSteps } from './content.service';
import { FaqEntry } from './faq-entry.entity';
import { TourStep } from './tour-step.entity';

@Resolver()
export class ContentResolver {
  @Query(() => [FaqEntry], {
    description:
      'Frequently asked questions. With a category: its entries by position (none for an unknown category). ' +
      'Without: every entry, by category (French alphabetical order), then position.',
  })
  faq(@Ctx() ctx: Context, @Arg('category', () => String, { nullable: true }) category?: string | null): Promise<FaqEntry[]> {
    return listFaq(ctx, category);
  }

  @Query(() => [TourStep], {
    description: 'Steps of the guided tour. With a page (a route, e.g. "/catalogue"): its steps by position. Without: every step, by page, then position.',
  })
  tour(@Ctx() ctx: Context, @Arg('page', () => String, { nullable: true }) page?: string | null): Promise<TourStep[]> {
    return listTourSteps(ctx, page);
  }
}
