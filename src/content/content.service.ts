import type { Context } from '../context';
import { FaqEntry } from './faq-entry.entity';
import { TourStep } from './tour-step.entity';

export function listFaq(ctx: Context): Promise<FaqEntry[]> {
  return ctx.db.getRepository(FaqEntry).find({ order: { position: 'ASC', id: 'ASC' } });
}

export function listTourSteps(ctx: Context): Promise<TourStep[]> {
  return ctx.db.getRepository(TourStep).find({ order: { position: 'ASC', id: 'ASC' } });
}

export function findFaqEntry(ctx: Context, id: string): Promise<FaqEntry | null> {
  return ctx.loaders.faqEntryById.load(id);
}

export function findTourStep(ctx: Context, id: string): Promise<TourStep | null> {
  return ctx.loaders.tourStepById.load(id);
}
