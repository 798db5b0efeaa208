import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partners' webhooks and their delivery log. A delivery's attempts, state and schedule are those of
 * its outbox message (channel `webhook`), written with the catalogue event by `recordChanges`.
 */
export class Webhooks1796000000005 implements MigrationInterface {
  name = 'Webhooks1796000000005';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webhook" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "partner_id" uuid NOT NULL, "url" character varying(2000) NOT NULL, "events" text array NOT NULL, "secret" character varying(200) NOT NULL, "active" boolean NOT NULL DEFAULT true, "failing_since" TIMESTAMP WITH TIME ZONE, "deactivated_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_e6765510c2d078db49632b59020" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_494e5aea8d62a7312c2ab3b466" ON "webhook" ("partner_id")`);
    await queryRunner.query(
      `CREATE TABLE "webhook_delivery" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "webhook_id" uuid NOT NULL, "change_id" bigint NOT NULL, "outbox_message_id" bigint NOT NULL, "response_status" integer, CONSTRAINT "PK_b1ae290239a778f12399db91354" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_558c0e6fce9a5cdab33ec78059" ON "webhook_delivery" ("change_id")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_e852754fe8bd4d6c8af12fb347" ON "webhook_delivery" ("outbox_message_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_021b7dc54a76be6f8caf748d42" ON "webhook_delivery" ("webhook_id", "created_at", "id")`);
    await queryRunner.query(
      `ALTER TABLE "webhook" ADD CONSTRAINT "FK_494e5aea8d62a7312c2ab3b466f" FOREIGN KEY ("partner_id") REFERENCES "partner"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_delivery" ADD CONSTRAINT "FK_ef25cc28dcf88ea3dd81f39af2d" FOREIGN KEY ("webhook_id") REFERENCES "webhook"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_delivery" ADD CONSTRAINT "FK_558c0e6fce9a5cdab33ec780593" FOREIGN KEY ("change_id") REFERENCES "catalogue_change"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_delivery" ADD CONSTRAINT "FK_e852754fe8bd4d6c8af12fb3472" FOREIGN KEY ("outbox_message_id") REFERENCES "outbox_message"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_delivery"`);
    await queryRunner.query(`DROP TABLE "webhook"`);
  }
}
