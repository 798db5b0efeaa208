import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * hrRecords and GET /hr/records.csv read a partner's completions from `since` on, in
 * (completed_at, id) order, a page or a batch at a time: a partial index walks exactly the
 * completed enrolments in that order (the agent's employer is checked on the user row, by its key).
 * Declared on the entity with `synchronize: false` (TypeORM does not compare partial indexes' predicates).
 */
export class HrRecords1796000000008 implements MigrationInterface {
  name = 'HrRecords1796000000008';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "enrolment_completed_idx" ON "enrolment" ("completed_at", "id") WHERE "status" = 'COMPLETED'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."enrolment_completed_idx"`);
  }
}
