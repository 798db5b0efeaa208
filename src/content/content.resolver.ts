import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { listFaq, listTourSteps } from './content.service';
import { FaqEntry } from './faq-entry.entity';
import { TourStep } from './tour-step.entity';

@Resolver()
export class ContentResolver {
  @Query(() => [FaqEntry], { description: 'Frequently asked questions, in display order.' })
  faq(@Ctx() ctx: Context): Promise<FaqEntry[]> {
    return listFaq(ctx);
  }

  @Query(() => [TourStep], { description: 'Steps of the guided tour, in order.' })
  tour(@Ctx() ctx: Context): Promise<TourStep[]> {
    return listTourSteps(ctx);
  }
}
