import type { EntityManager } from 'typeorm';
import { demoFaq, demoTour } from './demo-content';
import { FaqEntry } from '../content/faq-entry.entity';
import { TourStep } from '../content/tour-step.entity';

/** Positions 1..n within each scope, in the order the items are listed. */
function numbered<T>(items: T[], scopeOf: (item: T) => string): (T & { position: number })[] {
  const counts = new Map<string, number>();
  return items.map(item => {
    const position = (counts.get(scopeOf(item)) ?? 0) + 1;
    counts.set(scopeOf(item), position);
    return { ...item, position };
  });
}

/** Inserts the demo FAQ and guided tour where there is none yet. */
export async function loadDemoContent(manager: EntityManager): Promise<void> {
  if ((await manager.count(FaqEntry)) === 0) await manager.insert(FaqEntry, numbered(demoFaq, entry => entry.category));
  if ((await manager.count(TourStep)) === 0) await manager.insert(TourStep, numbered(demoTour, step => step.page));
}
