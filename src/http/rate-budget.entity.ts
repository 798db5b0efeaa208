import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Points spent by one budget (a user, an API client, a hashed client address) in its current
 * window, when the rate limits are counted in PostgreSQL (no REDIS_URL): one row per budget,
 * started afresh by the first request after `windowEnds` (see `PostgresBudgetSpender`). The table
 * is UNLOGGED (its migration): no WAL flush per request; a crash only restarts the windows.
 */
@Entity()
export class RateBudget {
  /** `user:<id>`, `client:<client id>` or `address:<sha-256 of the address>`. */
  @PrimaryColumn({ type: 'varchar', length: 80 })
  key: string;

  @Column({ type: 'timestamptz' })
  windowEnds: Date;

  @Column({ type: 'int' })
  spent: number;
}
