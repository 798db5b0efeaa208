import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { MAX_BATCH } from '../db/by-id-loader';
import { WebhookAttempt } from './webhook-attempt.entity';

export function createIntegrationLoaders(db: DataSource) {
  return {
    /** Every attempt of these deliveries, oldest first: one query for a page of deliveries. */
    attemptsByDelivery: new DataLoader<string, WebhookAttempt[]>(
      async deliveryIds => {
        const attempts = await db.getRepository(WebhookAttempt).find({ where: { deliveryId: In([...deliveryIds]) }, order: { id: 'ASC' } });
        return deliveryIds.map(id => attempts.filter(attempt => attempt.deliveryId === id));
      },
      { maxBatchSize: MAX_BATCH },
    ),
  };
}
