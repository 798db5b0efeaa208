import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Accounts1795925246282 implements MigrationInterface {
    name = 'Accounts1795925246282'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "api_client" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "client_id" character varying(64) NOT NULL, "secret_hash" character varying(200) NOT NULL, "name" character varying(200) NOT NULL, "partner_id" uuid NOT NULL, "scopes" text array NOT NULL DEFAULT '{}', "revoked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_a0ad7eb2aef50308b512c483ad5" UNIQUE ("client_id"), CONSTRAINT "PK_82a5ec6981d2be903a9eb1d9b9a" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_4174c4e5c11363654d66573cd0" ON "api_client"  ("partner_id") `);
        await queryRunner.query(`CREATE TABLE "audit_entry" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "actor" character varying(100), "action" character varying(100) NOT NULL, "target" character varying(200) NOT NULL, "details" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_58a130a4b9da189f46ba2a01801" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_1abf42ce8f3e33d78337d91fa9" ON "audit_entry"  ("created_at", "id") `);
        await queryRunner.query(`CREATE TABLE "login_throttle" ("email_hash" character(64) NOT NULL, "failures" integer NOT NULL DEFAULT '0', "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "locked_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_02c312dd2cb9b95efdebee8be14" PRIMARY KEY ("email_hash"))`);
        await queryRunner.query(`CREATE TYPE "public"."user_account_category_enum" AS ENUM('A', 'B', 'C', 'CONTRACT', 'STUDENT', 'OTHER')`);
        await queryRunner.query(`CREATE TABLE "user_account" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(320) NOT NULL, "password_hash" character varying(200) NOT NULL, "display_name" character varying(200) NOT NULL, "employer_id" uuid, "category" "public"."user_account_category_enum", "functions" text array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_56a0e4bcec2b5411beafa47ffa5" UNIQUE ("email"), CONSTRAINT "PK_6acfec7285fdf9f463462de3e9f" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_86c0eeadf4e95b08f8dda54953" ON "user_account"  ("employer_id") `);
        await queryRunner.query(`CREATE TABLE "refresh_token" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "family_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_f0812282fad2e352cdaf83ef0a9" UNIQUE ("token_hash"), CONSTRAINT "PK_b575dd3c21fb0831013c909e7fe" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_6bbe63d2fe75e7f0ba1710351d" ON "refresh_token"  ("user_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_eb31f2a7917404a46e17f539f1" ON "refresh_token"  ("family_id") `);
        await queryRunner.query(`CREATE TYPE "public"."role_grant_role_enum" AS ENUM('AGENT', 'EDITOR', 'EDITORIAL_COMMITTEE', 'TECHNICAL_COMMITTEE', 'HR_CORRESPONDENT', 'ADMIN')`);
        await queryRunner.query(`CREATE TABLE "role_grant" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "role" "public"."role_grant_role_enum" NOT NULL, "partner_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b9e50aafa723c536731c38529fb" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_084fcc5c497d79439cb6f04490" ON "role_grant"  ("partner_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_659c954488a0e69ebd4c411d69" ON "role_grant"  ("user_id", "role", "partner_id") WHERE "partner_id" IS NOT NULL`);
        await queryRunner.query(`CREATE UNIQUE INDEX "IDX_3643fbdebf0f8b418e5861d647" ON "role_grant"  ("user_id", "role") WHERE "partner_id" IS NULL`);
        await queryRunner.query(`ALTER TABLE "api_client" ADD CONSTRAINT "FK_4174c4e5c11363654d66573cd0b" FOREIGN KEY ("partner_id") REFERENCES "partner"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "user_account" ADD CONSTRAINT "FK_86c0eeadf4e95b08f8dda549533" FOREIGN KEY ("employer_id") REFERENCES "partner"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "refresh_token" ADD CONSTRAINT "FK_6bbe63d2fe75e7f0ba1710351d4" FOREIGN KEY ("user_id") REFERENCES "user_account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "role_grant" ADD CONSTRAINT "FK_cbca8b01eca20fa033ef14946b2" FOREIGN KEY ("user_id") REFERENCES "user_account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "role_grant" ADD CONSTRAINT "FK_084fcc5c497d79439cb6f044908" FOREIGN KEY ("partner_id") REFERENCES "partner"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "role_grant" DROP CONSTRAINT "FK_084fcc5c497d79439cb6f044908"`);
        await queryRunner.query(`ALTER TABLE "role_grant" DROP CONSTRAINT "FK_cbca8b01eca20fa033ef14946b2"`);
        await queryRunner.query(`ALTER TABLE "refresh_token" DROP CONSTRAINT "FK_6bbe63d2fe75e7f0ba1710351d4"`);
        await queryRunner.query(`ALTER TABLE "user_account" DROP CONSTRAINT "FK_86c0eeadf4e95b08f8dda549533"`);
        await queryRunner.query(`ALTER TABLE "api_client" DROP CONSTRAINT "FK_4174c4e5c11363654d66573cd0b"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_3643fbdebf0f8b418e5861d647"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_659c954488a0e69ebd4c411d69"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_084fcc5c497d79439cb6f04490"`);
        await queryRunner.query(`DROP TABLE "role_grant"`);
        await queryRunner.query(`DROP TYPE "public"."role_grant_role_enum"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_eb31f2a7917404a46e17f539f1"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_6bbe63d2fe75e7f0ba1710351d"`);
        await queryRunner.query(`DROP TABLE "refresh_token"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_86c0eeadf4e95b08f8dda54953"`);
        await queryRunner.query(`DROP TABLE "user_account"`);
        await queryRunner.query(`DROP TYPE "public"."user_account_category_enum"`);
        await queryRunner.query(`DROP TABLE "login_throttle"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_1abf42ce8f3e33d78337d91fa9"`);
        await queryRunner.query(`DROP TABLE "audit_entry"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_4174c4e5c11363654d66573cd0"`);
        await queryRunner.query(`DROP TABLE "api_client"`);
    }

}
