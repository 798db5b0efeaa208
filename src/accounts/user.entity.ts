import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { AgentCategory } from '../catalogue/catalogue.enums';
import { Partner } from '../catalogue/partner.entity';
import { TimestampedNode, Node } from '../graphql/node';

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A civil servant registered on Mentor.' })
@Entity({ name: 'user_account' })
export class User extends TimestampedNode {
  /** Trimmed and lower-cased at registration; unique. Exposed through a checked field resolver. */
  @Column({ type: 'varchar', length: 320, unique: true })
  email: string;

  /** argon2id; never logged, never returned. */
  @Column({ type: 'varchar', length: 200, select: false })
  passwordHash: string;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  displayName: string;

  @ManyToOne(() => Partner, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn()
  employer?: Partner;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  employerId: string | null;

  @Field(() => AgentCategory, { nullable: true })
  @Column({ type: 'enum', enum: AgentCategory, nullable: true })
  category: AgentCategory | null;

  @Field(() => [String])
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  functions: string[];

  /**
   * Whether the owner proved the mailbox (`verifyEmail`). Until then the account may browse, not
   * enrol, receive no role, and does not count for its employer. Accounts older than the check start false.
   */
  @Field({ description: 'True once the owner followed the link mailed at registration (`verifyEmail`).' })
  @Column({ type: 'boolean', default: false })
  emailVerified: boolean;

  /** When the owner was last warned that someone tried to register the address again (at most once an hour). */
  @Column({ type: 'timestamptz', nullable: true })
  registrationAttemptWarnedAt: Date | null;

  /** Optional e-mails (see NotificationPreferences); the others always go. */
  @Column({ type: 'boolean', default: true })
  notifyReviewDecisions: boolean;

  @Column({ type: 'boolean', default: true })
  notifyNewSubmissions: boolean;
}
