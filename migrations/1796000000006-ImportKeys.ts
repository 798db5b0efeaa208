import type { MigrationInterface, QueryRunner } from 'typeorm';

const SESSION_COLUMNS = 'training_id, starts_at, ends_at, enrolment_opens_at, enrolment_closes_at, capacity, location, cancelled, cancelled_at';

/**
 * importTrainings matches trainings on (partner, external_ref) — unique since the foundation — and
 * sessions on (training, external_ref), unique here. The session's reference is public (a column
 * readers see), so the catalogue-version trigger watches it too.
 */
export class ImportKeys1796000000006 implements MigrationInterface {
  name = 'ImportKeys1796000000006';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "training_session" ADD "external_ref" character varying(100)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_b605028ac8b0631e8f0909e79e" ON "training_session" ("training_id", "external_ref") WHERE "external_ref" IS NOT NULL`,
    );
    await queryRunner.query(`DROP TRIGGER training_session_catalogue_changed ON "training_session"`);
    await queryRunner.query(
      `CREATE TRIGGER training_session_catalogue_changed AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF ${SESSION_COLUMNS}, external_ref ON "training_session" FOR EACH STATEMENT EXECUTE FUNCTION mentor_catalogue_changed()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER training_session_catalogue_changed ON "training_session"`);
    await queryRunner.query(
      `CREATE TRIGGER training_session_catalogue_changed AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF ${SESSION_COLUMNS} ON "training_session" FOR EACH STATEMENT EXECUTE FUNCTION mentor_catalogue_changed()`,
    );
    await queryRunner.query(`DROP INDEX "public"."IDX_b605028ac8b0631e8f0909e79e"`);
    await queryRunner.query(`ALTER TABLE "training_session" DROP COLUMN "external_ref"`);
  }
}
