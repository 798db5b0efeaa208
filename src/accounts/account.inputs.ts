import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { AgentCategory } from '../catalogue/catalogue.enums';
import { UserError } from '../graphql/errors';
import { User } from './user.entity';

@InputType()
export class RegisterInput {
  @Field({ description: 'Professional e-mail: its domain must be one of a partner’s, which becomes the employer.' })
  email: string;

  @Field({ description: 'At least 12 characters, not a common password, not the e-mail’s local part.' })
  password: string;

  @Field()
  displayName: string;

  @Field(() => AgentCategory, { nullable: true })
  category?: AgentCategory | null;

  @Field(() => [String], { nullable: true })
  functions?: string[] | null;
}

@ObjectType()
export class AuthPayload {
  @Field(() => String, { nullable: true, description: 'Bearer token for `Authorization`, valid `expiresIn` seconds.' })
  accessToken?: string | null;

  @Field(() => String, { nullable: true, description: 'Opaque; exchanged once by `refreshToken` for a new pair.' })
  refreshToken?: string | null;

  @Field(() => Int, { nullable: true })
  expiresIn?: number | null;

  @Field(() => User, { nullable: true })
  user?: User | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@ObjectType()
export class LogoutPayload {
  @Field(() => Boolean, { nullable: true, description: 'True once the refresh token no longer works (also when it already did not).' })
  loggedOut?: boolean | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}
