import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A version of the public catalogue, raised by every statement that changes what anonymous readers
 * may see (trainings, sessions but for their seat counters, partners, collections, licences, FAQ,
 * tour) and announced on the `mentor_catalogue` channel when the change commits: every API process
 * drops its cached answers at once. The counter is a row (not a sequence) so that versions follow
 * commit order: a process reading it at start agrees with the others.
 */
const CATALOGUE_TABLES = ['training', 'partner', 'collection', 'licence', 'faq_entry', 'tour_step'];
const SESSION_COLUMNS = 'training_id, starts_at, ends_at, enrolment_opens_at, enrolment_closes_at, capacity, location, cancelled, cancelled_at';

export class CatalogueVersion1796000000001 implements MigrationInterface {
  name = 'CatalogueVersion1796000000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // `instance` tells this database's versions from another's where caches are shared (one Redis, several databases).
    await queryRunner.query(`CREATE TABLE "catalogue_state" ("id" boolean PRIMARY KEY DEFAULT true CHECK ("id"), "instance" uuid NOT NULL DEFAULT gen_random_uuid(), "version" bigint NOT NULL)`);
    await queryRunner.query(`INSERT INTO "catalogue_state" ("id", "version") VALUES (true, 1)`);
    await queryRunner.query(`
      CREATE FUNCTION mentor_catalogue_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        current bigint;
      BEGIN
        UPDATE catalogue_state SET version = version + 1 RETURNING version INTO current;
        PERFORM pg_notify('mentor_catalogue', current::text);
        RETURN NULL;
      END $$`);
    for (const table of CATALOGUE_TABLES) {
      await queryRunner.query(`CREATE TRIGGER ${table}_catalogue_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION mentor_catalogue_changed()`);
    }
    // Seat counters change with every enrolment: they are not the catalogue's news (lists show them late by design).
    await queryRunner.query(`CREATE TRIGGER training_session_catalogue_changed AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF ${SESSION_COLUMNS} ON "training_session" FOR EACH STATEMENT EXECUTE FUNCTION mentor_catalogue_changed()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER training_session_catalogue_changed ON "training_session"`);
    for (const table of CATALOGUE_TABLES) await queryRunner.query(`DROP TRIGGER ${table}_catalogue_changed ON "${table}"`);
    await queryRunner.query(`DROP FUNCTION mentor_catalogue_changed()`);
    await queryRunner.query(`DROP TABLE "catalogue_state"`);
  }
}
