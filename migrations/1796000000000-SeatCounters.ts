import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seats taken and places in line kept on the session row, so that lists read them without counting
 * a million enrolments, and a CHECK makes overbooking impossible whatever the code does. Statement
 * triggers with transition tables keep both counters in the statement that changes enrolments
 * (one UPDATE per statement, however many rows: bulk loads stay fast); enrolment changes already
 * hold the session's row lock, so the counters change in the same order as the seats.
 */
export class SeatCounters1796000000000 implements MigrationInterface {
  name = 'SeatCounters1796000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // No enrolment may change between the count and the triggers (an older process still running).
    await queryRunner.query(`LOCK TABLE "enrolment" IN SHARE MODE`);
    await queryRunner.query(`ALTER TABLE "training_session" ADD "seats_taken" integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE "training_session" ADD "waitlist_length" integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`
      UPDATE training_session s SET
        seats_taken = c.taken, waitlist_length = c.waiting
      FROM (
        SELECT session_id,
          count(*) FILTER (WHERE status IN ('CONFIRMED', 'COMPLETED'))::int AS taken,
          count(*) FILTER (WHERE status = 'WAITLISTED')::int AS waiting
        FROM enrolment GROUP BY session_id
      ) c
      WHERE c.session_id = s.id`);
    await queryRunner.query(`ALTER TABLE "training_session" ADD CONSTRAINT "CHK_training_session_seats" CHECK ("seats_taken" >= 0 AND ("capacity" IS NULL OR "seats_taken" <= "capacity"))`);
    await queryRunner.query(`ALTER TABLE "training_session" ADD CONSTRAINT "CHK_training_session_waitlist" CHECK ("waitlist_length" >= 0)`);
    await queryRunner.query(`
      CREATE FUNCTION mentor_count_seats() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        added_sessions uuid[] := '{}';
        added_statuses enrolment_status_enum[] := '{}';
        removed_sessions uuid[] := '{}';
        removed_statuses enrolment_status_enum[] := '{}';
      BEGIN
        -- A transition table exists only for the events that have it: read each in its own branch.
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          SELECT coalesce(array_agg(session_id), '{}'), coalesce(array_agg(status), '{}') INTO added_sessions, added_statuses FROM new_rows;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          SELECT coalesce(array_agg(session_id), '{}'), coalesce(array_agg(status), '{}') INTO removed_sessions, removed_statuses FROM old_rows;
        END IF;
        WITH changes AS (
          SELECT session_id, status, 1 AS sign FROM unnest(added_sessions, added_statuses) AS added(session_id, status)
          UNION ALL
          SELECT session_id, status, -1 FROM unnest(removed_sessions, removed_statuses) AS removed(session_id, status)
        ), deltas AS (
          SELECT session_id,
            coalesce(sum(sign) FILTER (WHERE status IN ('CONFIRMED', 'COMPLETED')), 0) AS taken,
            coalesce(sum(sign) FILTER (WHERE status = 'WAITLISTED'), 0) AS waiting
          FROM changes GROUP BY session_id
        )
        UPDATE training_session s SET seats_taken = s.seats_taken + d.taken, waitlist_length = s.waitlist_length + d.waiting
        FROM deltas d
        WHERE s.id = d.session_id AND (d.taken <> 0 OR d.waiting <> 0);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER enrolment_seats_insert AFTER INSERT ON enrolment REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mentor_count_seats()`);
    await queryRunner.query(`CREATE TRIGGER enrolment_seats_update AFTER UPDATE ON enrolment REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mentor_count_seats()`);
    await queryRunner.query(`CREATE TRIGGER enrolment_seats_delete AFTER DELETE ON enrolment REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION mentor_count_seats()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER enrolment_seats_delete ON enrolment`);
    await queryRunner.query(`DROP TRIGGER enrolment_seats_update ON enrolment`);
    await queryRunner.query(`DROP TRIGGER enrolment_seats_insert ON enrolment`);
    await queryRunner.query(`DROP FUNCTION mentor_count_seats()`);
    await queryRunner.query(`ALTER TABLE "training_session" DROP CONSTRAINT "CHK_training_session_waitlist"`);
    await queryRunner.query(`ALTER TABLE "training_session" DROP CONSTRAINT "CHK_training_session_seats"`);
    await queryRunner.query(`ALTER TABLE "training_session" DROP COLUMN "waitlist_length"`);
    await queryRunner.query(`ALTER TABLE "training_session" DROP COLUMN "seats_taken"`);
  }
}
