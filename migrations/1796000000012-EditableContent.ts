import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The FAQ and the guided tour become editable: positions are scoped (per FAQ category, per tour
 * page), dense, and unique per scope. The unique constraints are deferred to the commit so that
 * shifting a scope's rows by one never trips over them midway. Existing tour steps go to the home
 * page "/"; existing positions are renumbered 1..n within each scope, keeping their order.
 */
export class EditableContent1796000000012 implements MigrationInterface {
  name = 'EditableContent1796000000012';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_9a4fb1dddc2d43e5c4a70c549c"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_bbe1870aba9df2f7681a30bd79"`);
    await queryRunner.query(`ALTER TABLE "tour_step" ADD "page" character varying(200) NOT NULL DEFAULT '/'`);
    await queryRunner.query(`ALTER TABLE "tour_step" ALTER COLUMN "page" DROP DEFAULT`);
    await queryRunner.query(
      `UPDATE "faq_entry" f SET "position" = r.rank FROM (SELECT "id", row_number() OVER (PARTITION BY "category" ORDER BY "position", "id") AS rank FROM "faq_entry") r WHERE r."id" = f."id" AND f."position" <> r.rank`,
    );
    await queryRunner.query(
      `UPDATE "tour_step" t SET "position" = r.rank FROM (SELECT "id", row_number() OVER (PARTITION BY "page" ORDER BY "position", "id") AS rank FROM "tour_step") r WHERE r."id" = t."id" AND t."position" <> r.rank`,
    );
    await queryRunner.query(`ALTER TABLE "faq_entry" ADD CONSTRAINT "UQ_faq_entry_category_position" UNIQUE ("category", "position") DEFERRABLE INITIALLY DEFERRED`);
    await queryRunner.query(`ALTER TABLE "tour_step" ADD CONSTRAINT "UQ_tour_step_page_position" UNIQUE ("page", "position") DEFERRABLE INITIALLY DEFERRED`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tour_step" DROP CONSTRAINT "UQ_tour_step_page_position"`);
    await queryRunner.query(`ALTER TABLE "faq_entry" DROP CONSTRAINT "UQ_faq_entry_category_position"`);
    await queryRunner.query(`ALTER TABLE "tour_step" DROP COLUMN "page"`);
    await queryRunner.query(`CREATE INDEX "IDX_bbe1870aba9df2f7681a30bd79" ON "tour_step" ("position") `);
    await queryRunner.query(`CREATE INDEX "IDX_9a4fb1dddc2d43e5c4a70c549c" ON "faq_entry" ("position") `);
  }
}
