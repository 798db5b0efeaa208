import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Attestations1795935543647 implements MigrationInterface {
    name = 'Attestations1795935543647'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "attestation" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "enrolment_id" uuid NOT NULL, "user_id" uuid NOT NULL, "code" character varying(32) NOT NULL, "holder_name" character varying(200) NOT NULL, "training_title" character varying(300) NOT NULL, "partner_name" character varying(300) NOT NULL, "duration_minutes" integer, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "credential" text NOT NULL, CONSTRAINT "UQ_921b99ee1186a94b32feeea28fd" UNIQUE ("code"), CONSTRAINT "REL_29636d555942840f17996c71ed" UNIQUE ("enrolment_id"), CONSTRAINT "PK_c5443ea47f1f49c64c47257a6a2" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_4526da2b884fed1805ff1c95ec" ON "attestation"  ("user_id") `);
        await queryRunner.query(`ALTER TABLE "attestation" ADD CONSTRAINT "FK_29636d555942840f17996c71ed1" FOREIGN KEY ("enrolment_id") REFERENCES "enrolment"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "attestation" DROP CONSTRAINT "FK_29636d555942840f17996c71ed1"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_4526da2b884fed1805ff1c95ec"`);
        await queryRunner.query(`DROP TABLE "attestation"`);
    }

}
