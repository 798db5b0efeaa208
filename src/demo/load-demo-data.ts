import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { loadDemoCatalogue } from './catalogue/load-demo-catalogue';
import { Training } from '../catalogue/training.entity';
import { loadDemoContent } from './load-demo-content';
import { loadDemoEnrolments } from './load-demo-enrolments';

// Held for the loading transaction: two processes starting together load the demo once.
const DEMO_LOCK_KEY = 724_466_102;

/** Loads the demo catalogue and content into an empty catalogue; a catalogue with trainings is left alone. */
export async function loadDemoData(dataSource: DataSource, log: Logger): Promise<void> {
  await dataSource.transaction(async manager => {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [DEMO_LOCK_KEY]);
    if ((await manager.count(Training)) > 0) return;
    const count = await loadDemoCatalogue(manager, new Date());
    await loadDemoContent(manager);
    const enrolments = await loadDemoEnrolments(manager);
    log.info({ trainings: count, enrolments }, 'demo data loaded');
  });
}
