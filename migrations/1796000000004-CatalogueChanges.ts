import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The change feed of the published catalogue (catalogueChanges, webhooks), written with each change. */
export class CatalogueChanges1796000000004 implements MigrationInterface {
  name = 'CatalogueChanges1796000000004';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TYPE "public"."catalogue_change_type_enum" AS ENUM('TRAINING_PUBLISHED', 'TRAINING_UPDATED', 'TRAINING_ARCHIVED', 'SESSION_CREATED', 'SESSION_UPDATED', 'SESSION_CANCELLED')`,
    );
    await queryRunner.query(
      `CREATE TABLE "catalogue_change" ("id" BIGSERIAL NOT NULL, "transaction_id" bigint NOT NULL, "type" "public"."catalogue_change_type_enum" NOT NULL, "training_id" uuid NOT NULL, "session_id" uuid, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3d069e476b95af57975e896d123" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_8acfdc8e5bd933681a8487a87d" ON "catalogue_change" ("transaction_id", "id")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "catalogue_change"`);
    await queryRunner.query(`DROP TYPE "public"."catalogue_change_type_enum"`);
  }
}
