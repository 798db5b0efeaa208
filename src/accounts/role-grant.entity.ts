import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Partner } from '../catalogue/partner.entity';
import { Role } from './accounts.enums';
import { User } from './user.entity';

/** A role held by a user: EDITOR and HR_CORRESPONDENT name a partner, the others are global. */
@Entity()
// One grant per (user, role, partner); PostgreSQL treats NULLs as distinct, hence two indexes.
@Index(['userId', 'role'], { unique: true, where: '"partner_id" IS NULL' })
@Index(['userId', 'role', 'partnerId'], { unique: true, where: '"partner_id" IS NOT NULL' })
export class RoleGrant {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => User, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  user?: User;

  @Column({ type: 'uuid' })
  userId: string;

  @Column({ type: 'enum', enum: Role })
  role: Role;

  @ManyToOne(() => Partner, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn()
  partner?: Partner;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  partnerId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
