import { Field, Int, ObjectType } from 'type-graphql';
import { Partner } from '../catalogue/partner.entity';
import { ConnectionType } from '../graphql/connection';
import { UserError } from '../graphql/errors';
import { Role } from './accounts.enums';
import { AuditEntry } from './audit-entry.entity';
import { User } from './user.entity';

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
export class ResendVerificationPayload {
  @Field(() => Boolean, { nullable: true, description: 'True once a new link is on its way (the previous one no longer works).' })
  sent?: boolean | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@ObjectType()
export class RequestPasswordResetPayload {
  @Field(() => Boolean, {
    nullable: true,
    description: 'Always true: whether the address has an account is not told. When it has, a link valid one hour is mailed (at most one a minute).',
  })
  requested?: boolean | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@ObjectType({ description: 'E-mails a user may turn off; the others (enrolments, sessions, attestations, account security) always go.' })
export class NotificationPreferences {
  @Field({ description: 'Editors: a committee decided on one of their trainings.' })
  reviewDecisions: boolean;

  @Field({ description: 'Committee members: a training was submitted to their committee.' })
  newSubmissions: boolean;
}

@ObjectType()
export class LogoutPayload {
  @Field(() => Boolean, { nullable: true, description: 'True once the refresh token no longer works (also when it already did not).' })
  loggedOut?: boolean | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@ObjectType()
export class UserPayload {
  @Field(() => User, { nullable: true })
  user?: User | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@ObjectType({ description: 'A partner integration. Its secret is shown once, at creation.' })
export class ApiClientInfo {
  @Field()
  clientId: string;

  @Field()
  name: string;

  @Field(() => Partner)
  partner: Partner;

  @Field(() => [String])
  scopes: string[];

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;
}

@ObjectType()
export class ApiClientPayload {
  @Field(() => ApiClientInfo, { nullable: true })
  client?: ApiClientInfo | null;

  @Field(() => String, { nullable: true, description: 'Shown once: only its hash is stored.' })
  clientSecret?: string | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}

@ObjectType()
export class AuditEntryConnection extends ConnectionType(AuditEntry, 'AuditEntry') {}

@ObjectType('RoleGrant', { description: 'A role and, for EDITOR and HR_CORRESPONDENT, the partner it applies to.' })
export class RoleGrantView {
  @Field(() => Role)
  role: Role;

  @Field(() => Partner, { nullable: true })
  partner: Partner | null;
}
