import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Partner } from '../catalogue/partner.entity';

/** A partner's integration: a public client id, a secret stored as argon2id, and scopes. */
@Entity()
export class ApiClient {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  clientId: string;

  @Column({ type: 'varchar', length: 200, select: false })
  secretHash: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @ManyToOne(() => Partner, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  partner?: Partner;

  @Index()
  @Column({ type: 'uuid' })
  partnerId: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  scopes: string[];

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
