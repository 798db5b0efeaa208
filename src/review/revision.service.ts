import { In, type EntityManager } from 'typeorm';
import { TrainingStatus } from '../catalogue/catalogue.enums';
import { sheetOf, type SheetValues } from '../catalogue/training-sheet';
import type { Training } from '../catalogue/training.entity';
import { DomainError } from '../graphql/errors';
import { OPEN_REVISION_STATUSES, TrainingRevision } from './training-revision.entity';

/** The training's revision still in the workflow, locked with it; null when there is none. */
export function lockOpenRevision(manager: EntityManager, trainingId: string): Promise<TrainingRevision | null> {
  return manager.findOne(TrainingRevision, { where: { trainingId, status: In(OPEN_REVISION_STATUSES) }, lock: { mode: 'pessimistic_write' } });
}

/**
 * Changes to a published training go to its pending revision (started from the live sheet when
 * there is none); a revision under review is frozen until the committees decide.
 */
export async function proposeRevision(manager: EntityManager, training: Training, values: Partial<SheetValues>): Promise<TrainingRevision> {
  const open = await lockOpenRevision(manager, training.id);
  if (open?.status === TrainingStatus.SUBMITTED) {
    throw new DomainError('INVALID_TRANSITION', 'La révision en attente est en cours d’examen par les comités : attendez leur décision pour la modifier.');
  }
  const revision = open ?? manager.create(TrainingRevision, { ...sheetOf(training), trainingId: training.id, status: TrainingStatus.DRAFT });
  Object.assign(revision, values);
  return manager.save(revision);
}

/** Archiving closes what was still proposed for the training (kept, like its reviews, as history). */
export async function closeOpenRevision(manager: EntityManager, trainingId: string): Promise<void> {
  await manager.update(TrainingRevision, { trainingId, status: In(OPEN_REVISION_STATUSES) }, { status: TrainingStatus.ARCHIVED });
}

/** Names (as in TrainingInput) of the fields a revision changes. */
export function changedFields(training: Training, revision: TrainingRevision): string[] {
  const live = sheetOf(training);
  const proposed = sheetOf(revision);
  const inputName: Record<string, string> = {
    licenceId: 'licence',
    collectionId: 'collection',
    coFunderIds: 'coFunders',
    audiencePartnerIds: 'audienceRule',
    audienceCategories: 'audienceRule',
    audienceFunctions: 'audienceRule',
  };
  const changed = (Object.keys(live) as (keyof SheetValues)[]).filter(field => JSON.stringify(live[field]) !== JSON.stringify(proposed[field]));
  return [...new Set(changed.map(field => inputName[field] ?? field))];
}
