import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { runMutation } from '../graphql/run-mutation';
import { AuthPayload, RequestPasswordResetPayload, ResendVerificationPayload } from './account.types';
import { resendVerification, verifyEmail } from './account.service';
import { changePassword, requestPasswordReset, resetPassword } from './password.service';

/** Proving the mailbox, and passwords: the mutations that follow a link mailed to the user. */
@Resolver()
export class CredentialsResolver {
  @Mutation(() => AuthPayload, { description: 'The token of the link mailed at registration (`APP_URL/verification?token=…`, 48 h, single use): marks the address verified and signs in.' })
  verifyEmail(@Ctx() ctx: Context, @Arg('token') token: string): Promise<AuthPayload> {
    return runMutation(ctx, () => verifyEmail(ctx, token));
  }

  @Authorized()
  @Mutation(() => ResendVerificationPayload, { description: 'A new verification link for the signed-in, unverified account (one a minute, five a day).' })
  resendVerification(@Ctx() ctx: Context): Promise<ResendVerificationPayload> {
    return runMutation(ctx, () => resendVerification(ctx));
  }

  @Mutation(() => RequestPasswordResetPayload, { description: 'Mails `APP_URL/mot-de-passe?token=…` (1 h, single use) when the address has an account; the same answer either way.' })
  requestPasswordReset(@Ctx() ctx: Context, @Arg('email') email: string): Promise<RequestPasswordResetPayload> {
    return runMutation(ctx, () => requestPasswordReset(ctx, email));
  }

  @Mutation(() => AuthPayload, { description: 'Sets the password with the reset link’s token, closes every session of the account, and signs in.' })
  resetPassword(@Ctx() ctx: Context, @Arg('token') token: string, @Arg('password') password: string): Promise<AuthPayload> {
    return runMutation(ctx, () => resetPassword(ctx, token, password));
  }

  @Authorized()
  @Mutation(() => AuthPayload, { description: 'Closes the account’s other sessions; the answer carries a new one for the caller.' })
  changePassword(@Ctx() ctx: Context, @Arg('currentPassword') currentPassword: string, @Arg('newPassword') newPassword: string): Promise<AuthPayload> {
    return runMutation(ctx, () => changePassword(ctx, currentPassword, newPassword));
  }
}
