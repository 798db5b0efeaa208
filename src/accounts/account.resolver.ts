import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Partner } from '../catalogue/partner.entity';
import type { Context } from '../context';
import { runMutation } from '../graphql/run-mutation';
import { AgentCategory } from '../catalogue/catalogue.enums';
import { NotificationPreferencesInput, RegisterInput } from './account.inputs';
import { AuthPayload, LogoutPayload, NotificationPreferences, RoleGrantView, UserPayload } from './account.types';
import { login, logout, refresh, register, updateNotificationPreferences, updateProfile } from './account.service';
import { Role } from './accounts.enums';
import { findUser, visibleEmail } from './user.service';
import { User } from './user.entity';

@Resolver(() => User)
export class AccountResolver {
  @Mutation(() => AuthPayload, {
    description:
      'Creates an unverified agent account (the employer follows from the e-mail domain) and mails a verification link. ' +
      'Answers without token or user, the same whether the address already had an account (whose owner is then warned by mail) or not.',
  })
  register(@Ctx() ctx: Context, @Arg('input') input: RegisterInput): Promise<AuthPayload> {
    return runMutation(ctx, () => register(ctx, input));
  }

  @Mutation(() => AuthPayload)
  login(@Ctx() ctx: Context, @Arg('email') email: string, @Arg('password') password: string): Promise<AuthPayload> {
    return runMutation(ctx, () => login(ctx, email, password));
  }

  @Mutation(() => AuthPayload, { description: 'Rotates: the refresh token given stops working; reusing it revokes its family.' })
  refreshToken(@Ctx() ctx: Context, @Arg('refreshToken') token: string): Promise<AuthPayload> {
    return runMutation(ctx, () => refresh(ctx, token));
  }

  @Mutation(() => LogoutPayload)
  logout(@Ctx() ctx: Context, @Arg('refreshToken') token: string): Promise<LogoutPayload> {
    return runMutation(ctx, () => logout(ctx, token));
  }

  @Query(() => User, { nullable: true, description: 'The signed-in user; null when anonymous.' })
  me(@Ctx() ctx: Context): Promise<User | null> {
    return ctx.viewer.userId ? findUser(ctx, ctx.viewer.userId) : Promise.resolve(null);
  }

  @Authorized()
  @Mutation(() => UserPayload, { description: 'The signed-in user’s own profile.' })
  updateProfile(
    @Ctx() ctx: Context,
    @Arg('displayName', () => String, { nullable: true }) displayName?: string | null,
    @Arg('category', () => AgentCategory, { nullable: true }) category?: AgentCategory | null,
    @Arg('functions', () => [String], { nullable: true }) functions?: string[] | null,
  ): Promise<UserPayload> {
    return runMutation(ctx, () => updateProfile(ctx, ctx.viewer.userId!, { displayName, category, functions }));
  }

  @Authorized()
  @Mutation(() => UserPayload)
  updateNotificationPreferences(@Ctx() ctx: Context, @Arg('input') input: NotificationPreferencesInput): Promise<UserPayload> {
    return runMutation(ctx, () => updateNotificationPreferences(ctx, input));
  }

  @FieldResolver(() => NotificationPreferences, { nullable: true, description: 'The owner’s own; null for anyone else.' })
  notificationPreferences(@Root() user: User, @Ctx() ctx: Context): NotificationPreferences | null {
    return ctx.viewer.userId === user.id ? { reviewDecisions: user.notifyReviewDecisions, newSubmissions: user.notifyNewSubmissions } : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Readable by the account’s owner, admins and HR correspondents of its employer; null otherwise.' })
  email(@Root() user: User, @Ctx() ctx: Context): Promise<string | null> {
    return visibleEmail(ctx, user);
  }

  @FieldResolver(() => [RoleGrantView], { description: 'AGENT first (every user is one), then the grants.' })
  async roles(@Root() user: User, @Ctx() ctx: Context): Promise<RoleGrantView[]> {
    const grants = await ctx.loaders.grantsByUser.load(user.id);
    const views = await Promise.all(
      grants.map(async grant => ({ role: grant.role, partner: grant.partnerId ? await ctx.loaders.partnerById.load(grant.partnerId) : null })),
    );
    return [{ role: Role.AGENT, partner: null }, ...views];
  }

  @FieldResolver(() => Partner, { nullable: true })
  employer(@Root() user: User, @Ctx() ctx: Context): Promise<Partner | null> {
    return user.employerId ? ctx.loaders.partnerById.load(user.employerId) : Promise.resolve(null);
  }
}
