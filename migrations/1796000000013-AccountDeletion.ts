import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deleting an account (RGPD art. 17): enrolments and attestations outlive it, anonymised (their
 * user becomes null); an attestation may be revoked; the account's mail is found by recipient; the audit trail by
 * actor and target (the export of someone's data).
 */
export class AccountDeletion1796000000013 implements MigrationInterface {
  name = 'AccountDeletion1796000000013';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "enrolment" DROP CONSTRAINT "FK_9fb006e88f06e280df626956366"`);
    await queryRunner.query(`ALTER TABLE "enrolment" ALTER COLUMN "user_id" DROP NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "enrolment" ADD CONSTRAINT "FK_9fb006e88f06e280df626956366" FOREIGN KEY ("user_id") REFERENCES "user_account"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "attestation" ALTER COLUMN "user_id" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "attestation" ADD "revoked_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`CREATE INDEX "outbox_mail_recipient_idx" ON "outbox_message" (("payload" ->> 'to')) WHERE "channel" = 'mail'`);
    await queryRunner.query(`CREATE INDEX "IDX_124d74a8850aeff5857d8292db" ON "audit_entry" ("target")`);
    await queryRunner.query(`CREATE INDEX "IDX_fc8bce5eff4eb154e4728c6bc3" ON "audit_entry" ("actor")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_fc8bce5eff4eb154e4728c6bc3"`);
    await queryRunner.query(`DROP INDEX "IDX_124d74a8850aeff5857d8292db"`);
    await queryRunner.query(`DROP INDEX "outbox_mail_recipient_idx"`);
    await queryRunner.query(`ALTER TABLE "attestation" DROP COLUMN "revoked_at"`);
    await queryRunner.query(`DELETE FROM "attestation" WHERE "user_id" IS NULL`);
    await queryRunner.query(`ALTER TABLE "attestation" ALTER COLUMN "user_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "enrolment" DROP CONSTRAINT "FK_9fb006e88f06e280df626956366"`);
    await queryRunner.query(`DELETE FROM "enrolment" WHERE "user_id" IS NULL`);
    await queryRunner.query(`ALTER TABLE "enrolment" ALTER COLUMN "user_id" SET NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "enrolment" ADD CONSTRAINT "FK_9fb006e88f06e280df626956366" FOREIGN KEY ("user_id") REFERENCES "user_account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }
}
