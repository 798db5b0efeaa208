import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When an account's owner was last warned of a registration attempt with their address (at most one mail an hour). */
export class RegistrationWarnings1796000000007 implements MigrationInterface {
  name = 'RegistrationWarnings1796000000007';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "user_account" ADD "registration_attempt_warned_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "user_account" DROP COLUMN "registration_attempt_warned_at"`);
  }
}
