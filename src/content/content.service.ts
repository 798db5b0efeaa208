import type { Context } from '../context';
import { collapsed, trimmed } from './content-text';
import { FaqEntry } from './faq-entry.entity';
import { TourStep } from './tour-step.entity';

/** Categories in French alphabetical order (accents and case set aside, then exact text to keep each one together). */
const french = new Intl.Collator('fr');
const byText = (a: string, b: string): number => french.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

/** Ordered by scope, then position: a stable sort of a list the database gave by position. */
function byScope<T extends { position: number }>(items: T[], scopeOf: (item: T) => string): T[] {
  return items.sort((a, b) => byText(scopeOf(a), scopeOf(b)) || a.position - b.position);
}

/** One category's entries by position; without a category, every entry by category (French alphabetical order), then position. */
export async function listFaq(ctx: Context, category?: string | null): Promise<FaqEntry[]> {
  const repository = ctx.db.getRepository(FaqEntry);
  if (category !== null && category !== undefined) return repository.find({ where: { category: collapsed(category) }, order: { position: 'ASC' } });
  return byScope(await repository.find({ order: { position: 'ASC' } }), entry => entry.category);
}

/** One page's steps by position; without a page, every step by page (alphabetical), then position. */
export async function listTourSteps(ctx: Context, page?: string | null): Promise<TourStep[]> {
  const repository = ctx.db.getRepository(TourStep);
  if (page !== null && page !== undefined) return repository.find({ where: { page: trimmed(page) }, order: { position: 'ASC' } });
  return byScope(await repository.find({ order: { position: 'ASC' } }), step => step.page);
}

export function findFaqEntry(ctx: Context, id: string): Promise<FaqEntry | null> {
  return ctx.loaders.faqEntryById.load(id);
}

export function findTourStep(ctx: Context, id: string): Promise<TourStep | null> {
  return ctx.loaders.tourStepById.load(id);
}
