import type { DataSource } from 'typeorm';
import { byIdLoader } from '../db/by-id-loader';
import { FaqEntry } from './faq-entry.entity';
import { TourStep } from './tour-step.entity';

export function createContentLoaders(db: DataSource) {
  return {
    faqEntryById: byIdLoader(db, FaqEntry),
    tourStepById: byIdLoader(db, TourStep),
  };
}
