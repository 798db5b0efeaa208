import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts prove their mailbox (existing ones included: they start unverified), single-use links
 * for verification and password reset, optional notifications, and the outbox that e-mail (and
 * later webhooks) leave through.
 */
export class VerifiedMailboxes1796000000003 implements MigrationInterface {
  name = 'VerifiedMailboxes1796000000003';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "public"."account_token_purpose_enum" AS ENUM('VERIFY_EMAIL', 'RESET_PASSWORD')`);
    await queryRunner.query(
      `CREATE TABLE "account_token" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "purpose" "public"."account_token_purpose_enum" NOT NULL, "token_hash" character(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "spent_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_afb41d941d437f47a0d75373f88" UNIQUE ("token_hash"), CONSTRAINT "PK_a55842d3341d42534e39f85e931" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_bfc80850ecdb4d6d387844d7bb" ON "account_token" ("user_id", "purpose")`);
    await queryRunner.query(
      `ALTER TABLE "account_token" ADD CONSTRAINT "FK_ab3c66669facfe429164e60ab82" FOREIGN KEY ("user_id") REFERENCES "user_account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`CREATE TYPE "public"."outbox_message_status_enum" AS ENUM('PENDING', 'SENT', 'HELD', 'FAILED')`);
    await queryRunner.query(
      `CREATE TABLE "outbox_message" ("id" BIGSERIAL NOT NULL, "channel" character varying(20) NOT NULL, "payload" jsonb NOT NULL, "status" "public"."outbox_message_status_enum" NOT NULL DEFAULT 'PENDING', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_error" text, "sent_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2f36ee5236f2793f3e7bd554589" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_outbox_message_due" ON "outbox_message" ("channel", "next_attempt_at") WHERE "status" = 'PENDING'`);
    await queryRunner.query(`ALTER TABLE "user_account" ADD "email_verified" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "user_account" ADD "notify_review_decisions" boolean NOT NULL DEFAULT true`);
    await queryRunner.query(`ALTER TABLE "user_account" ADD "notify_new_submissions" boolean NOT NULL DEFAULT true`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "user_account" DROP COLUMN "notify_new_submissions"`);
    await queryRunner.query(`ALTER TABLE "user_account" DROP COLUMN "notify_review_decisions"`);
    await queryRunner.query(`ALTER TABLE "user_account" DROP COLUMN "email_verified"`);
    await queryRunner.query(`DROP TABLE "outbox_message"`);
    await queryRunner.query(`DROP TYPE "public"."outbox_message_status_enum"`);
    await queryRunner.query(`DROP TABLE "account_token"`);
    await queryRunner.query(`DROP TYPE "public"."account_token_purpose_enum"`);
  }
}
