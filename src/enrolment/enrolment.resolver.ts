import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../accounts/accounts.enums';
import { scope } from '../auth/auth-checker';
import type { Context } from '../context';
import { perPageItem } from '../graphql/complexity';
import { runMutation } from '../graphql/run-mutation';
import { Attestation } from './attestation.entity';
import { myAttestations, verifyAttestation } from './attestation.service';
import { completeEnrolment } from './completion.service';
import { EnrolmentStatus } from './enrolment.enums';
import { myEnrolments } from './enrolment-queries';
import { cancelEnrolment, enrol } from './enrolment.service';
import { AttestationVerification, EnrolmentConnection, EnrolmentPayload } from './enrolment.types';

@Resolver()
export class EnrolmentResolver {
  @Authorized()
  @Mutation(() => EnrolmentPayload, {
    description: 'CONFIRMED while seats are left, else WAITLISTED in arrival order; enrolling again returns the active enrolment.',
  })
  enrol(@Ctx() ctx: Context, @Arg('sessionId', () => ID) sessionId: string): Promise<EnrolmentPayload> {
    return runMutation(ctx, () => enrol(ctx, sessionId));
  }

  @Authorized()
  @Mutation(() => EnrolmentPayload, { description: 'By its owner, the training’s editors or admins; a freed seat goes to the first in line.' })
  cancelEnrolment(@Ctx() ctx: Context, @Arg('enrolmentId', () => ID) enrolmentId: string): Promise<EnrolmentPayload> {
    return runMutation(ctx, () => cancelEnrolment(ctx, enrolmentId));
  }

  @Authorized(Role.EDITOR, Role.ADMIN, scope('enrolments:complete'))
  @Mutation(() => EnrolmentPayload, {
    description: 'The training’s editors, admins, or an API client of its partner with `enrolments:complete`; issues the attestation.',
  })
  completeEnrolment(@Ctx() ctx: Context, @Arg('enrolmentId', () => ID) enrolmentId: string): Promise<EnrolmentPayload> {
    return runMutation(ctx, () => completeEnrolment(ctx, enrolmentId));
  }

  @Authorized()
  @Query(() => EnrolmentConnection, { description: 'The signed-in user’s enrolments, newest first.', complexity: perPageItem })
  myEnrolments(
    @Ctx() ctx: Context,
    @Arg('status', () => EnrolmentStatus, { nullable: true }) status?: EnrolmentStatus | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<EnrolmentConnection> {
    return myEnrolments(ctx, { status, first, after });
  }

  @Authorized()
  @Query(() => [Attestation], { description: 'The signed-in user’s attestations, newest first.' })
  myAttestations(@Ctx() ctx: Context): Promise<Attestation[]> {
    return myAttestations(ctx);
  }

  @Query(() => AttestationVerification, { description: 'Public: whether a code (as printed, any case, dashes allowed) is a valid attestation.' })
  verifyAttestation(@Ctx() ctx: Context, @Arg('code') code: string): Promise<AttestationVerification> {
    return verifyAttestation(ctx, code);
  }
}
