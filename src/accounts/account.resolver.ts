import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Partner } from '../catalogue/partner.entity';
import type { Context } from '../context';
import { withUserErrors } from '../graphql/user-errors';
import { AuthPayload, LogoutPayload, RegisterInput } from './account.inputs';
import { login, logout, refresh, register } from './account.service';
import { findUser } from './user.service';
import { User } from './user.entity';

@Resolver(() => User)
export class AccountResolver {
  @Mutation(() => AuthPayload, { description: 'Creates an agent account; the employer follows from the e-mail domain.' })
  register(@Ctx() ctx: Context, @Arg('input') input: RegisterInput): Promise<AuthPayload> {
    return withUserErrors(() => register(ctx, input));
  }

  @Mutation(() => AuthPayload)
  login(@Ctx() ctx: Context, @Arg('email') email: string, @Arg('password') password: string): Promise<AuthPayload> {
    return withUserErrors(() => login(ctx, email, password));
  }

  @Mutation(() => AuthPayload, { description: 'Rotates: the refresh token given stops working; reusing it revokes its family.' })
  refreshToken(@Ctx() ctx: Context, @Arg('refreshToken') token: string): Promise<AuthPayload> {
    return withUserErrors(() => refresh(ctx, token));
  }

  @Mutation(() => LogoutPayload)
  logout(@Ctx() ctx: Context, @Arg('refreshToken') token: string): Promise<LogoutPayload> {
    return withUserErrors(() => logout(ctx, token));
  }

  @Query(() => User, { nullable: true, description: 'The signed-in user; null when anonymous.' })
  me(@Ctx() ctx: Context): Promise<User | null> {
    return ctx.viewer.userId ? findUser(ctx, ctx.viewer.userId) : Promise.resolve(null);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Readable by the account’s owner only (admins and HR correspondents later).' })
  email(@Root() user: User, @Ctx() ctx: Context): string | null {
    return ctx.viewer.userId === user.id ? user.email : null;
  }

  @FieldResolver(() => Partner, { nullable: true })
  employer(@Root() user: User, @Ctx() ctx: Context): Promise<Partner | null> {
    return user.employerId ? ctx.loaders.partnerById.load(user.employerId) : Promise.resolve(null);
  }
}
