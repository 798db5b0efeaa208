import type { EntityManager } from 'typeorm';
import { demoFaq, demoTour } from './demo-content';
import { FaqEntry } from '../content/faq-entry.entity';
import { TourStep } from '../content/tour-step.entity';

/** Inserts the demo FAQ and guided tour where there is none yet. */
export async function loadDemoContent(manager: EntityManager): Promise<void> {
  if ((await manager.count(FaqEntry)) === 0) await manager.insert(FaqEntry, demoFaq);
  if ((await manager.count(TourStep)) === 0) await manager.insert(TourStep, demoTour);
}
