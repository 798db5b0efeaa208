import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { byIdLoader, MAX_BATCH } from '../db/by-id-loader';
import { Attestation } from './attestation.entity';
import { Enrolment } from './enrolment.entity';

export function createEnrolmentLoaders(db: DataSource) {
  return {
    enrolmentById: byIdLoader(db, Enrolment),
    attestationByEnrolment: new DataLoader<string, Attestation | null>(
      async enrolmentIds => {
        const attestations = await db.getRepository(Attestation).findBy({ enrolmentId: In([...enrolmentIds]) });
        return enrolmentIds.map(id => attestations.find(attestation => attestation.enrolmentId === id) ?? null);
      },
      { maxBatchSize: MAX_BATCH },
    ),
  };
}
