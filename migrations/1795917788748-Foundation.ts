import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795917788748 implements MigrationInterface {
    name = 'Foundation1795917788748'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "collection" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" character varying(100) NOT NULL, "name" character varying(200) NOT NULL, "description" text NOT NULL, "position" integer NOT NULL, CONSTRAINT "UQ_75a6fd6eedd7fa7378de400b0aa" UNIQUE ("slug"), CONSTRAINT "PK_ad3f485bbc99d875491f44d7c85" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "licence" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" character varying(100) NOT NULL, "name" character varying(200) NOT NULL, "url" character varying(500) NOT NULL, "allows_sharing" boolean NOT NULL, "allows_adaptation" boolean NOT NULL, "allows_commercial_use" boolean NOT NULL, CONSTRAINT "UQ_8acd219380eed5a648e39f4a2ce" UNIQUE ("code"), CONSTRAINT "PK_3b4f2cda4a38b8026e4c700844c" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TYPE "public"."partner_kind_enum" AS ENUM('MINISTRY', 'INTERMINISTERIAL_DIRECTORATE', 'SCHOOL', 'OPERATOR')`);
        await queryRunner.query(`CREATE TABLE "partner" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" character varying(100) NOT NULL, "name" character varying(300) NOT NULL, "acronym" character varying(50) NOT NULL, "kind" "public"."partner_kind_enum" NOT NULL, "email_domains" text array NOT NULL DEFAULT '{}', CONSTRAINT "UQ_26fab9e1f50dcdc0281ec087cac" UNIQUE ("slug"), CONSTRAINT "PK_8f34ff11ddd5459eacbfacd48ca" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TYPE "public"."training_audience_categories_enum" AS ENUM('A', 'B', 'C', 'CONTRACT', 'STUDENT', 'OTHER')`);
        await queryRunner.query(`CREATE TYPE "public"."training_modality_enum" AS ENUM('HYBRID', 'ONLINE_TUTORED', 'WEBINAR', 'VIRTUAL_CLASS', 'SELF_PACED', 'ENRICHED_PRESENTIAL', 'PEER_EXCHANGE')`);
        await queryRunner.query(`CREATE TYPE "public"."training_status_enum" AS ENUM('DRAFT', 'SUBMITTED', 'CHANGES_REQUESTED', 'PUBLISHED', 'REJECTED', 'ARCHIVED')`);
        await queryRunner.query(`CREATE TABLE "training" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" character varying(200) NOT NULL, "external_ref" character varying(100), "title" character varying(300) NOT NULL, "summary" text NOT NULL, "objectives" text array NOT NULL DEFAULT '{}', "content" text, "prerequisites" text, "audience" text, "audience_partner_ids" uuid array NOT NULL DEFAULT '{}', "audience_categories" "public"."training_audience_categories_enum" array NOT NULL DEFAULT '{}', "audience_functions" text array NOT NULL DEFAULT '{}', "target_jobs" text array NOT NULL DEFAULT '{}', "modality" "public"."training_modality_enum" NOT NULL, "duration_minutes" integer, "certifying" boolean NOT NULL DEFAULT false, "keywords" text array NOT NULL DEFAULT '{}', "licence_id" uuid NOT NULL, "collection_id" uuid NOT NULL, "partner_id" uuid NOT NULL, "co_funder_ids" uuid array NOT NULL DEFAULT '{}', "status" "public"."training_status_enum" NOT NULL DEFAULT 'DRAFT', "published_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_648e89d6774383f90385e190975" UNIQUE ("slug"), CONSTRAINT "PK_c436c96be3adf1aa439ef471427" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_a6b7f5c01e756ad5b2a4e480cf" ON "training"  ("modality") `);
        await queryRunner.query(`CREATE INDEX "IDX_855850f525aea524aa7c26933a" ON "training"  ("certifying") `);
        await queryRunner.query(`CREATE INDEX "IDX_d13e7c21ca6b2dae2f6ca8c6ab" ON "training"  ("licence_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_135d2c3a4c6b0126a2b5dbd1ae" ON "training"  ("collection_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_6d04674e4dc45561b86fdf33b4" ON "training"  ("partner_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_27313ed1fd5f00c33db2a1d68b" ON "training"  ("status", "published_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_1c9ba5868573b3dfa0bc2ebeca" ON "training"  ("partner_id", "external_ref") WHERE "external_ref" IS NOT NULL`);
        await queryRunner.query(`CREATE TABLE "training_session" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "training_id" uuid NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "enrolment_opens_at" TIMESTAMP WITH TIME ZONE NOT NULL, "enrolment_closes_at" TIMESTAMP WITH TIME ZONE NOT NULL, "capacity" integer, "location" character varying(300), "cancelled" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a17a9657ff5a6e048bfd82c4651" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_d97fe44ae2f5e3c21562a2e05a" ON "training_session"  ("enrolment_opens_at", "enrolment_closes_at") WHERE NOT "cancelled"`);
        await queryRunner.query(`CREATE INDEX "IDX_a2c6aa96d32b2e8c590528ecaf" ON "training_session"  ("training_id", "starts_at") `);
        await queryRunner.query(`CREATE TABLE "faq_entry" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "question" text NOT NULL, "answer" text NOT NULL, "category" character varying(100) NOT NULL, "position" integer NOT NULL, CONSTRAINT "PK_af327a5dc45629131954cbfde51" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_9a4fb1dddc2d43e5c4a70c549c" ON "faq_entry"  ("position") `);
        await queryRunner.query(`CREATE TABLE "tour_step" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "target" character varying(200) NOT NULL, "title" character varying(200) NOT NULL, "body" text NOT NULL, "position" integer NOT NULL, CONSTRAINT "PK_818dfc9b79851176fa266f444cd" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_bbe1870aba9df2f7681a30bd79" ON "tour_step"  ("position") `);
        await queryRunner.query(`ALTER TABLE "training" ADD CONSTRAINT "FK_d13e7c21ca6b2dae2f6ca8c6ab2" FOREIGN KEY ("licence_id") REFERENCES "licence"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "training" ADD CONSTRAINT "FK_135d2c3a4c6b0126a2b5dbd1ae4" FOREIGN KEY ("collection_id") REFERENCES "collection"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "training" ADD CONSTRAINT "FK_6d04674e4dc45561b86fdf33b4f" FOREIGN KEY ("partner_id") REFERENCES "partner"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "training_session" ADD CONSTRAINT "FK_1aae02e18ead8406f563eee93ca" FOREIGN KEY ("training_id") REFERENCES "training"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "training_session" DROP CONSTRAINT "FK_1aae02e18ead8406f563eee93ca"`);
        await queryRunner.query(`ALTER TABLE "training" DROP CONSTRAINT "FK_6d04674e4dc45561b86fdf33b4f"`);
        await queryRunner.query(`ALTER TABLE "training" DROP CONSTRAINT "FK_135d2c3a4c6b0126a2b5dbd1ae4"`);
        await queryRunner.query(`ALTER TABLE "training" DROP CONSTRAINT "FK_d13e7c21ca6b2dae2f6ca8c6ab2"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_bbe1870aba9df2f7681a30bd79"`);
        await queryRunner.query(`DROP TABLE "tour_step"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_9a4fb1dddc2d43e5c4a70c549c"`);
        await queryRunner.query(`DROP TABLE "faq_entry"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_a2c6aa96d32b2e8c590528ecaf"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_d97fe44ae2f5e3c21562a2e05a"`);
        await queryRunner.query(`DROP TABLE "training_session"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_1c9ba5868573b3dfa0bc2ebeca"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_27313ed1fd5f00c33db2a1d68b"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_6d04674e4dc45561b86fdf33b4"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_135d2c3a4c6b0126a2b5dbd1ae"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_d13e7c21ca6b2dae2f6ca8c6ab"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_855850f525aea524aa7c26933a"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_a6b7f5c01e756ad5b2a4e480cf"`);
        await queryRunner.query(`DROP TABLE "training"`);
        await queryRunner.query(`DROP TYPE "public"."training_status_enum"`);
        await queryRunner.query(`DROP TYPE "public"."training_modality_enum"`);
        await queryRunner.query(`DROP TYPE "public"."training_audience_categories_enum"`);
        await queryRunner.query(`DROP TABLE "partner"`);
        await queryRunner.query(`DROP TYPE "public"."partner_kind_enum"`);
        await queryRunner.query(`DROP TABLE "licence"`);
        await queryRunner.query(`DROP TABLE "collection"`);
    }

}
