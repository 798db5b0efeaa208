import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The change feed's history: a TRAINING_PUBLISHED event for each training published before the
 * feed existed, so that a mirror reading from the start finds the whole catalogue.
 */
export class FeedHistory1796000000009 implements MigrationInterface {
  name = 'FeedHistory1796000000009';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `INSERT INTO catalogue_change (transaction_id, type, training_id, occurred_at)
       SELECT pg_current_xact_id()::text::bigint, 'TRAINING_PUBLISHED', t.id, coalesce(t.published_at, now())
       FROM training t
       WHERE t.status = 'PUBLISHED' AND NOT EXISTS (SELECT 1 FROM catalogue_change c WHERE c.training_id = t.id)
       ORDER BY t.published_at, t.id`,
    );
  }

  public async down(): Promise<void> {
    // The events stay: they describe what happened.
  }
}
