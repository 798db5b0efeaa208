import type { EntityManager } from 'typeorm';
import { TrainingStatus } from './catalogue.enums';
import type { SheetValues } from './training-sheet';
import { Training } from './training.entity';

/**
 * The writes the review workflow makes to a training, kept in its own domain: the review service
 * decides when, the catalogue owns how. The caller holds the training's row lock.
 */
export const trainingWorkflow = {
  /** A new submission to review; the live row's `updated_at` stays: nothing of it changed for its readers. */
  async markSubmitted(manager: EntityManager, trainingId: string): Promise<void> {
    await manager.query(`UPDATE training SET submission = submission + 1, submitted_at = now() WHERE id = $1`, [trainingId]);
  },

  async setStatus(manager: EntityManager, trainingId: string, status: TrainingStatus): Promise<void> {
    await manager.update(Training, { id: trainingId }, { status });
  },

  /** Published; `publishedAt` keeps the first publication. */
  async publish(manager: EntityManager, training: Training): Promise<void> {
    await manager.update(Training, { id: training.id }, { status: TrainingStatus.PUBLISHED, publishedAt: training.publishedAt ?? (() => 'now()') });
  },

  /** An approved revision replaces the live sheet. */
  async applySheet(manager: EntityManager, trainingId: string, sheet: SheetValues): Promise<void> {
    await manager.update(Training, { id: trainingId }, sheet);
  },

  reload(manager: EntityManager, trainingId: string): Promise<Training> {
    return manager.findOneByOrFail(Training, { id: trainingId });
  },
};
