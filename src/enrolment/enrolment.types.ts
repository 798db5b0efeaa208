import { Field, ObjectType } from 'type-graphql';
import { ConnectionType } from '../graphql/connection';
import { UserError } from '../graphql/errors';
import { Attestation } from './attestation.entity';
import { Enrolment } from './enrolment.entity';

@ObjectType()
export class EnrolmentPayload {
  @Field(() => Enrolment, { nullable: true })
  enrolment?: Enrolment | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@ObjectType()
export class EnrolmentConnection extends ConnectionType(Enrolment, 'Enrolment') {}

@ObjectType({ description: 'The answer to `verifyAttestation`: nothing is revealed about an unknown or altered code.' })
export class AttestationVerification {
  @Field()
  valid: boolean;

  @Field(() => Attestation, { nullable: true })
  attestation: Attestation | null;
}
