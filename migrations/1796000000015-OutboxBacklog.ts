import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox's backlog per channel, read at every metrics scrape (`GET /metrics`): the undelivered
 * messages only, in a partial index small enough to be read whole (src/http/metrics.ts).
 */
export class OutboxBacklog1796000000015 implements MigrationInterface {
  name = 'OutboxBacklog1796000000015';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "outbox_message_undelivered_idx" ON "outbox_message" ("channel", "status", "created_at") WHERE "status" IN ('PENDING', 'HELD')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."outbox_message_undelivered_idx"`);
  }
}
