import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { DeletePayload } from '../graphql/delete-payload';
import { runMutation } from '../graphql/run-mutation';
import { deleteMyAccount } from './account-deletion';
import { exportMyData } from './personal-data';

/** The user's own data (RGPD articles 15, 17 and 20). */
@Resolver()
export class PersonalDataResolver {
  @Authorized()
  @Query(() => GraphQLJSONObject, {
    description:
      'Everything held about the signed-in user (RGPD art. 15 and 20), as one JSON document: profile, roles, sign-in sessions, ' +
      'enrolments, attestations, files (with download links), review decisions, audit entries by or about them.',
  })
  exportMyData(@Ctx() ctx: Context): Promise<Record<string, unknown>> {
    return exportMyData(ctx);
  }

  @Authorized()
  @Mutation(() => DeletePayload, {
    description:
      'RGPD art. 17: deletes the signed-in account once its password is proved, with its files, tokens and preferences. ' +
      'Seats are released; enrolments stay anonymised in sessions’ history; attestations stay verifiable unless `revokeAttestations`.',
  })
  deleteMyAccount(
    @Ctx() ctx: Context,
    @Arg('password') password: string,
    @Arg('revokeAttestations', () => Boolean, { nullable: true, description: 'Also revoke the attestations issued: `verifyAttestation` then says not valid.' })
    revokeAttestations?: boolean | null,
  ): Promise<DeletePayload> {
    return runMutation(ctx, () => deleteMyAccount(ctx, password, revokeAttestations ?? false));
  }
}
