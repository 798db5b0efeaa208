import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { MAX_BATCH } from '../db/by-id-loader';
import { Review } from './review.entity';
import { OPEN_REVISION_STATUSES, TrainingRevision } from './training-revision.entity';

export function createReviewLoaders(db: DataSource) {
  return {
    /** Every decision on each training, oldest first. */
    reviewsByTraining: new DataLoader<string, Review[]>(
      async trainingIds => {
        const reviews = await db.getRepository(Review).find({ where: { trainingId: In([...trainingIds]) }, order: { createdAt: 'ASC', id: 'ASC' } });
        return trainingIds.map(id => reviews.filter(review => review.trainingId === id));
      },
      { maxBatchSize: MAX_BATCH },
    ),
    /** The revision of each training still in the workflow, if any. */
    openRevisionByTraining: new DataLoader<string, TrainingRevision | null>(
      async trainingIds => {
        const revisions = await db.getRepository(TrainingRevision).findBy({ trainingId: In([...trainingIds]), status: In(OPEN_REVISION_STATUSES) });
        return trainingIds.map(id => revisions.find(revision => revision.trainingId === id) ?? null);
      },
      { maxBatchSize: MAX_BATCH },
    ),
  };
}
