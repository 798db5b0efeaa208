import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, OneToOne } from 'typeorm';
import { Node } from '../graphql/node';
import { Enrolment } from './enrolment.entity';

/**
 * Proof that an agent completed a training: what it states is copied at issue time (names and
 * titles may change later), and signed in `credential` so that anyone can check it offline.
 */
@ObjectType({ implements: Node, simpleResolvers: true, description: 'Proof of completion, checkable by anyone with its code or its signed credential.' })
@Entity()
export class Attestation extends Node {
  @OneToOne(() => Enrolment, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn()
  enrolment?: Enrolment;

  /** Unique (the one-to-one join): one attestation per completed enrolment, whatever races. */
  @Column({ type: 'uuid' })
  enrolmentId: string;

  /** The holder's account; null once it is deleted (the attestation stays verifiable unless revoked). */
  @Index()
  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @Field({ description: 'Short, unique and unguessable; printed on the certificate, checked by `verifyAttestation`.' })
  @Column({ type: 'varchar', length: 32, unique: true })
  code: string;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  holderName: string;

  @Field()
  @Column({ type: 'varchar', length: 300 })
  trainingTitle: string;

  @Field()
  @Column({ type: 'varchar', length: 300 })
  partnerName: string;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'int', nullable: true })
  durationMinutes: number | null;

  /** Set by the issuer, so that it is exactly the date the credential states. */
  @Field()
  @Column({ type: 'timestamptz' })
  issuedAt: Date;

  /** Set when the holder deleted the account and asked for revocation: `verifyAttestation` then says not valid. */
  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Field({ description: 'Compact JWS (ES256) of an Open Badges 3.0 credential; keys at /.well-known/jwks.json.' })
  @Column({ type: 'text' })
  credential: string;
}
