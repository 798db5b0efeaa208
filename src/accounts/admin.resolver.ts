import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { runMutation } from '../graphql/run-mutation';
import { ApiClientPayload, AuditEntryConnection, AuthPayload, UserPayload } from './account.types';
import { Role } from './accounts.enums';
import { createApiClient, issueClientToken, revokeApiClient } from './api-client.service';
import { listAudit } from './audit.service';
import { deleteAccount } from './account-deletion';
import { DeletePayload } from '../graphql/delete-payload';
import { grantRole, revokeRole } from './role.service';

/** Administration: role grants, partner API clients, the audit trail. */
@Resolver()
export class AdminResolver {
  @Authorized(Role.ADMIN)
  @Mutation(() => UserPayload, { description: 'ADMIN. EDITOR and HR_CORRESPONDENT need a partner (slug); other roles are global.' })
  grantRole(
    @Ctx() ctx: Context,
    @Arg('userId', () => ID) userId: string,
    @Arg('role', () => Role) role: Role,
    @Arg('partner', () => String, { nullable: true }) partner?: string | null,
  ): Promise<UserPayload> {
    return runMutation(ctx, () => grantRole(ctx, userId, role, partner));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => UserPayload, { description: 'ADMIN.' })
  revokeRole(
    @Ctx() ctx: Context,
    @Arg('userId', () => ID) userId: string,
    @Arg('role', () => Role) role: Role,
    @Arg('partner', () => String, { nullable: true }) partner?: string | null,
  ): Promise<UserPayload> {
    return runMutation(ctx, () => revokeRole(ctx, userId, role, partner));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DeletePayload, {
    description: 'ADMIN. Deletes an account as `deleteMyAccount` does (audited): seats released, enrolments anonymised, attestations kept unless `revokeAttestations`.',
  })
  deleteAccount(
    @Ctx() ctx: Context,
    @Arg('userId', () => ID) userId: string,
    @Arg('revokeAttestations', () => Boolean, { nullable: true }) revokeAttestations?: boolean | null,
  ): Promise<DeletePayload> {
    return runMutation(ctx, () => deleteAccount(ctx, userId, revokeAttestations ?? false));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ApiClientPayload, { description: 'ADMIN. Scopes: catalogue:write, enrolments:complete, hr:read, webhooks:manage.' })
  createApiClient(
    @Ctx() ctx: Context,
    @Arg('partner') partner: string,
    @Arg('name') name: string,
    @Arg('scopes', () => [String]) scopes: string[],
  ): Promise<ApiClientPayload> {
    return runMutation(ctx, () => createApiClient(ctx, partner, name, scopes));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ApiClientPayload, { description: 'ADMIN. Its tokens stop being issued at once; issued ones expire within 15 minutes.' })
  revokeApiClient(@Ctx() ctx: Context, @Arg('clientId') clientId: string): Promise<ApiClientPayload> {
    return runMutation(ctx, () => revokeApiClient(ctx, clientId));
  }

  @Mutation(() => AuthPayload, { description: 'Client credentials: an access token for the client’s partner and scopes.' })
  issueClientToken(@Ctx() ctx: Context, @Arg('clientId') clientId: string, @Arg('clientSecret') clientSecret: string): Promise<AuthPayload> {
    return runMutation(ctx, () => issueClientToken(ctx, clientId, clientSecret));
  }

  @Authorized(Role.ADMIN)
  @Query(() => AuditEntryConnection, { description: 'ADMIN. Newest first.' })
  auditLog(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<AuditEntryConnection> {
    return listAudit(ctx, first, after);
  }
}
