import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Personal files: metadata, and their bytes in chunks (see src/files/postgres-file-store.ts). */
export class PersonalFiles1796000000011 implements MigrationInterface {
  name = 'PersonalFiles1796000000011';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "public"."personal_file_status_enum" AS ENUM('UPLOADING', 'STORED')`);
    await queryRunner.query(
      `CREATE TABLE "personal_file" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "owner_id" uuid NOT NULL, "name" character varying(255) NOT NULL, "mime_type" character varying(127) NOT NULL, "size" integer NOT NULL DEFAULT '0', "sha256" character(64), "status" "public"."personal_file_status_enum" NOT NULL DEFAULT 'UPLOADING', CONSTRAINT "PK_75c4fab82fedcff94a8fad33224" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_ea26ecc6004b308641ad8b23c7" ON "personal_file" ("status", "created_at")`);
    await queryRunner.query(`CREATE INDEX "IDX_972f03fb8a4dabf6d8019f8ea8" ON "personal_file" ("owner_id", "created_at")`);
    await queryRunner.query(
      `CREATE TABLE "personal_file_chunk" ("file_id" uuid NOT NULL, "seq" integer NOT NULL, "first_byte" integer NOT NULL, "data" bytea NOT NULL, CONSTRAINT "PK_54149fef26d440b5b62d6b2cd42" PRIMARY KEY ("file_id", "seq"))`,
    );
    // Out of line and uncompressed: most uploads (PDF, images, office documents, zip) are compressed
    // already, so TOAST's compression would spend CPU for nothing; and substring reads stay cheap.
    await queryRunner.query(`ALTER TABLE "personal_file_chunk" ALTER COLUMN "data" SET STORAGE EXTERNAL`);
    await queryRunner.query(
      `ALTER TABLE "personal_file" ADD CONSTRAINT "FK_758a407cb026b8f51a55a5ed131" FOREIGN KEY ("owner_id") REFERENCES "user_account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "personal_file_chunk" ADD CONSTRAINT "FK_7730c5a971242471f7988d35da2" FOREIGN KEY ("file_id") REFERENCES "personal_file"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "personal_file_chunk"`);
    await queryRunner.query(`DROP TABLE "personal_file"`);
    await queryRunner.query(`DROP TYPE "public"."personal_file_status_enum"`);
  }
}
