import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Secret checks per client address and minute, shared by every API process (AUTH_RATE_LIMIT_PER_MINUTE). */
export class AuthRateLimit1796000000002 implements MigrationInterface {
  name = 'AuthRateLimit1796000000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "auth_rate" ("address_hash" character varying(64) NOT NULL, "minute" TIMESTAMP WITH TIME ZONE NOT NULL, "attempts" integer NOT NULL, CONSTRAINT "PK_auth_rate" PRIMARY KEY ("address_hash", "minute"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "auth_rate"`);
  }
}
