import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../graphql/connection';

/** A completion by an agent employed by the partner, as an HR system files it (no cache hint: never cached). */
@ObjectType({ simpleResolvers: true, description: 'A completion by an agent employed by the partner, with its attestation.' })
export class HrRecord {
  @Field(() => ID, { description: 'The completed enrolment (a global id): the record’s identity.' })
  enrolmentId: string;

  @Field({ description: 'The agent’s name as the account holds it now.' })
  agentName: string;

  @Field()
  agentEmail: string;

  @Field({ description: 'As stated on the attestation (at completion).' })
  trainingTitle: string;

  @Field({ description: 'The partner whose training it is, as stated on the attestation (any partner’s training).' })
  partnerName: string;

  @Field(() => Int, { nullable: true })
  durationMinutes: number | null;

  @Field()
  completedAt: Date;

  @Field({ description: 'Checkable by anyone with `verifyAttestation`.' })
  attestationCode: string;
}

@ObjectType({ description: 'Completions in the order they happened (completion time, then id).' })
export class HrRecordConnection extends ConnectionType(HrRecord, 'HrRecord') {}
