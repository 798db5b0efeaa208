import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Failed logins per e-mail address (its SHA-256, whether an account exists or not, so that the
 * lockout reveals nothing), shared by every API process through the database.
 */
@Entity()
export class LoginThrottle {
  @PrimaryColumn({ type: 'char', length: 64 })
  emailHash: string;

  @Column({ type: 'int', default: 0 })
  failures: number;

  @Column({ type: 'timestamptz' })
  windowStart: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;
}
