import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EditorialWorkflow1795933852915 implements MigrationInterface {
    name = 'EditorialWorkflow1795933852915'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TYPE "public"."enrolment_status_enum" AS ENUM('CONFIRMED', 'WAITLISTED', 'CANCELLED', 'COMPLETED')`);
        await queryRunner.query(`CREATE TABLE "enrolment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "session_id" uuid NOT NULL, "status" "public"."enrolment_status_enum" NOT NULL, "waitlist_position" integer, "enrolled_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "completed_at" TIMESTAMP WITH TIME ZONE, "cancelled_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5d2679f6c891d77c58aa0e05f2b" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_7b917fe3683957102f6c218396" ON "enrolment"  ("user_id", "enrolled_at") `);
        await queryRunner.query(`CREATE INDEX "IDX_a478c5e64e0e0f9abfc13c804f" ON "enrolment"  ("session_id", "status") `);
        await queryRunner.query(`CREATE TYPE "public"."review_committee_enum" AS ENUM('EDITORIAL', 'TECHNICAL')`);
        await queryRunner.query(`CREATE TYPE "public"."review_decision_enum" AS ENUM('APPROVE', 'REQUEST_CHANGES', 'REJECT')`);
        await queryRunner.query(`CREATE TABLE "review" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "training_id" uuid NOT NULL, "submission" integer NOT NULL, "committee" "public"."review_committee_enum" NOT NULL, "decision" "public"."review_decision_enum" NOT NULL, "comment" text, "reviewer_id" uuid, "on_revision" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2e4299a343a81574217255c00ca" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_2f8adca6682f8238c64d767c9d" ON "review"  ("reviewer_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_55e0e550579fcddcfb9a279887" ON "review"  ("training_id", "submission", "committee") `);
        await queryRunner.query(`CREATE TYPE "public"."training_revision_audience_categories_enum" AS ENUM('A', 'B', 'C', 'CONTRACT', 'STUDENT', 'OTHER')`);
        await queryRunner.query(`CREATE TYPE "public"."training_revision_modality_enum" AS ENUM('HYBRID', 'ONLINE_TUTORED', 'WEBINAR', 'VIRTUAL_CLASS', 'SELF_PACED', 'ENRICHED_PRESENTIAL', 'PEER_EXCHANGE')`);
        await queryRunner.query(`CREATE TYPE "public"."training_revision_status_enum" AS ENUM('DRAFT', 'SUBMITTED', 'CHANGES_REQUESTED', 'PUBLISHED', 'REJECTED', 'ARCHIVED')`);
        await queryRunner.query(`CREATE TABLE "training_revision" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "external_ref" character varying(100), "title" character varying(300) NOT NULL, "summary" text NOT NULL, "objectives" text array NOT NULL DEFAULT '{}', "content" text, "prerequisites" text, "audience" text, "audience_partner_ids" uuid array NOT NULL DEFAULT '{}', "audience_categories" "public"."training_revision_audience_categories_enum" array NOT NULL DEFAULT '{}', "audience_functions" text array NOT NULL DEFAULT '{}', "target_jobs" text array NOT NULL DEFAULT '{}', "modality" "public"."training_revision_modality_enum" NOT NULL, "duration_minutes" integer, "certifying" boolean NOT NULL DEFAULT false, "keywords" text array NOT NULL DEFAULT '{}', "licence_id" uuid NOT NULL, "collection_id" uuid NOT NULL, "co_funder_ids" uuid array NOT NULL DEFAULT '{}', "training_id" uuid NOT NULL, "status" "public"."training_revision_status_enum" NOT NULL DEFAULT 'DRAFT', "submitted_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6b8b5f41ffd2b56e2436902b6ba" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_828d4ac66a5e320d14c8024465" ON "training_revision"  ("licence_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_6545de0f3a47e96783c9fad6eb" ON "training_revision"  ("collection_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_80e659cbae428ed4bef8a9c282" ON "training_revision"  ("training_id") `);
        await queryRunner.query(`ALTER TABLE "training" ADD "submission" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "training" ADD "submitted_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "training" ADD "archived_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "training_session" ADD "cancelled_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "enrolment" ADD CONSTRAINT "FK_9fb006e88f06e280df626956366" FOREIGN KEY ("user_id") REFERENCES "user_account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "enrolment" ADD CONSTRAINT "FK_1044fca171a6347474cdeb1ba08" FOREIGN KEY ("session_id") REFERENCES "training_session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "review" ADD CONSTRAINT "FK_c066f12c39405eb7696f3ef10c8" FOREIGN KEY ("training_id") REFERENCES "training"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "review" ADD CONSTRAINT "FK_2f8adca6682f8238c64d767c9d3" FOREIGN KEY ("reviewer_id") REFERENCES "user_account"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "training_revision" ADD CONSTRAINT "FK_828d4ac66a5e320d14c80244652" FOREIGN KEY ("licence_id") REFERENCES "licence"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "training_revision" ADD CONSTRAINT "FK_6545de0f3a47e96783c9fad6ebb" FOREIGN KEY ("collection_id") REFERENCES "collection"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "training_revision" ADD CONSTRAINT "FK_80e659cbae428ed4bef8a9c282b" FOREIGN KEY ("training_id") REFERENCES "training"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        // Hand-written (synchronize: false in the entities): partial indexes.
        await queryRunner.query(`CREATE UNIQUE INDEX "enrolment_active_idx" ON "enrolment" ("session_id", "user_id") WHERE "status" IN ('CONFIRMED', 'WAITLISTED')`);
        await queryRunner.query(`CREATE UNIQUE INDEX "training_revision_open_idx" ON "training_revision" ("training_id") WHERE "status" IN ('DRAFT', 'SUBMITTED', 'CHANGES_REQUESTED')`);
        await queryRunner.query(`CREATE INDEX "training_revision_submitted_idx" ON "training_revision" ("submitted_at", "id") WHERE "status" = 'SUBMITTED'`);
        await queryRunner.query(`CREATE INDEX "training_submitted_idx" ON "training" ("submitted_at", "id") WHERE "status" = 'SUBMITTED'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."training_submitted_idx"`);
        await queryRunner.query(`DROP INDEX "public"."training_revision_submitted_idx"`);
        await queryRunner.query(`DROP INDEX "public"."training_revision_open_idx"`);
        await queryRunner.query(`DROP INDEX "public"."enrolment_active_idx"`);
        await queryRunner.query(`ALTER TABLE "training_revision" DROP CONSTRAINT "FK_80e659cbae428ed4bef8a9c282b"`);
        await queryRunner.query(`ALTER TABLE "training_revision" DROP CONSTRAINT "FK_6545de0f3a47e96783c9fad6ebb"`);
        await queryRunner.query(`ALTER TABLE "training_revision" DROP CONSTRAINT "FK_828d4ac66a5e320d14c80244652"`);
        await queryRunner.query(`ALTER TABLE "review" DROP CONSTRAINT "FK_2f8adca6682f8238c64d767c9d3"`);
        await queryRunner.query(`ALTER TABLE "review" DROP CONSTRAINT "FK_c066f12c39405eb7696f3ef10c8"`);
        await queryRunner.query(`ALTER TABLE "enrolment" DROP CONSTRAINT "FK_1044fca171a6347474cdeb1ba08"`);
        await queryRunner.query(`ALTER TABLE "enrolment" DROP CONSTRAINT "FK_9fb006e88f06e280df626956366"`);
        await queryRunner.query(`ALTER TABLE "training_session" DROP COLUMN "cancelled_at"`);
        await queryRunner.query(`ALTER TABLE "training" DROP COLUMN "archived_at"`);
        await queryRunner.query(`ALTER TABLE "training" DROP COLUMN "submitted_at"`);
        await queryRunner.query(`ALTER TABLE "training" DROP COLUMN "submission"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_80e659cbae428ed4bef8a9c282"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_6545de0f3a47e96783c9fad6eb"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_828d4ac66a5e320d14c8024465"`);
        await queryRunner.query(`DROP TABLE "training_revision"`);
        await queryRunner.query(`DROP TYPE "public"."training_revision_status_enum"`);
        await queryRunner.query(`DROP TYPE "public"."training_revision_modality_enum"`);
        await queryRunner.query(`DROP TYPE "public"."training_revision_audience_categories_enum"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_55e0e550579fcddcfb9a279887"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_2f8adca6682f8238c64d767c9d"`);
        await queryRunner.query(`DROP TABLE "review"`);
        await queryRunner.query(`DROP TYPE "public"."review_decision_enum"`);
        await queryRunner.query(`DROP TYPE "public"."review_committee_enum"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_a478c5e64e0e0f9abfc13c804f"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_7b917fe3683957102f6c218396"`);
        await queryRunner.query(`DROP TABLE "enrolment"`);
        await queryRunner.query(`DROP TYPE "public"."enrolment_status_enum"`);
    }

}
