import { ArrayMaxSize, IsEmail, IsOptional, Length, Matches, MaxLength, ValidateBy } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { AgentCategory } from '../catalogue/catalogue.enums';
import { passwordWeakness } from './password-policy';

const NOT_BLANK = /\S/;

/** A display name: 1 to 200 characters, not only spaces (kept trimmed). */
function DisplayName(): PropertyDecorator {
  return (target, key) => {
    Length(1, 200, { message: 'Le nom affiché doit compter de 1 à 200 caractères.' })(target, key);
    Matches(NOT_BLANK, { message: 'Le nom affiché ne peut pas être vide.' })(target, key);
  };
}

/** An agent's functions: at most 20, each of 1 to 100 characters (compared without case). */
function AgentFunctions(): PropertyDecorator {
  return (target, key) => {
    IsOptional()(target, key);
    ArrayMaxSize(20, { message: 'Au plus 20 fonctions.' })(target, key);
    Length(1, 100, { each: true, message: 'Chaque fonction compte de 1 à 100 caractères.' })(target, key);
    Matches(NOT_BLANK, { each: true, message: 'Une fonction ne peut pas être vide.' })(target, key);
  };
}

/** The password rules (`password-policy.ts`) against the e-mail given beside it; refused as WEAK_PASSWORD. */
function AcceptablePassword(): PropertyDecorator {
  const weakness = (password: unknown, object: object) =>
    typeof password === 'string' ? passwordWeakness(password, String((object as RegisterInput).email)) : 'Mot de passe manquant.';
  return ValidateBy(
    {
      name: 'acceptablePassword',
      validator: {
        validate: (value, args) => weakness(value, args!.object) === null,
        defaultMessage: args => weakness(args!.value, args!.object) ?? '',
      },
    },
    { context: { code: 'WEAK_PASSWORD' } },
  );
}

@InputType()
export class RegisterInput {
  @Field({ description: 'Professional e-mail: its domain must be one of a partner’s, which becomes the employer.' })
  @IsEmail({ require_tld: true, allow_display_name: false, allow_ip_domain: false }, { message: 'Adresse e-mail invalide.' })
  @MaxLength(320, { message: 'Adresse e-mail invalide.' })
  email: string;

  @Field({ description: 'At least 12 characters, not a common password, not the e-mail’s local part.' })
  @AcceptablePassword()
  password: string;

  @Field()
  @DisplayName()
  displayName: string;

  @Field(() => AgentCategory, { nullable: true })
  category?: AgentCategory | null;

  @Field(() => [String], { nullable: true })
  @AgentFunctions()
  functions?: string[] | null;
}

/** What `updateProfile` may change; absent (or null) fields stay as they are. */
export class ProfileChanges {
  @IsOptional()
  @DisplayName()
  displayName?: string | null;

  category?: AgentCategory | null;

  @AgentFunctions()
  functions?: string[] | null;
}

@InputType({ description: 'Absent fields stay as they are.' })
export class NotificationPreferencesInput {
  @Field(() => Boolean, { nullable: true })
  reviewDecisions?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  newSubmissions?: boolean | null;
}
