import { IsString, Length, Matches, ValidateIf } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { CATEGORY_PATTERN, IsCssSelector, IsSafeMarkdown, ROUTE_PATTERN } from './content-text';

const given = (_: object, value: unknown): boolean => value !== undefined && value !== null;

const POSITION =
  'Rank within the scope, from 1. Absent: last on creation; unchanged on update (last when the scope changes). ' +
  'Out of range is clamped: below 1 means first, past the end means last.';

@InputType({ description: 'A FAQ entry to create (no id) or to replace (id given). Texts are trimmed before they are checked.' })
export class FaqEntryInput {
  @Field(() => ID, { nullable: true, description: 'The entry to update; absent: a new entry.' })
  id?: string | null;

  @Field({ description: 'Plain text, 1 to 300 characters, no HTML.' })
  @IsString()
  @Length(1, 300, { message: 'La question compte de 1 à 300 caractères.' })
  @IsSafeMarkdown()
  question: string;

  @Field({ description: 'Markdown, 1 to 10,000 characters; raw HTML and links other than http(s), mailto:, tel: or relative are refused.' })
  @IsString()
  @Length(1, 10_000, { message: 'La réponse compte de 1 à 10 000 caractères.' })
  @IsSafeMarkdown()
  answer: string;

  @Field(() => String, {
    nullable: true,
    description: 'Up to 100 characters: letters, digits, spaces and \' ’ & , . ( ) / -; inner spaces collapsed. Absent or null: "Général" on creation, unchanged on update.',
  })
  @ValidateIf(given)
  @IsString()
  @Length(1, 100, { message: 'La catégorie compte de 1 à 100 caractères.' })
  @Matches(CATEGORY_PATTERN, { message: 'La catégorie commence par une lettre ou un chiffre et ne contient que des lettres, chiffres, espaces et « ’ & , . ( ) / - ».' })
  category?: string | null;

  @Field(() => Int, { nullable: true, description: POSITION })
  position?: number | null;
}

@InputType({ description: 'A step of the guided tour to create (no id) or to replace (id given). Texts are trimmed before they are checked.' })
export class TourStepInput {
  @Field(() => ID, { nullable: true, description: 'The step to update; absent: a new step.' })
  id?: string | null;

  @Field({ description: 'The front end’s route, e.g. "/catalogue": starts with "/", at most 200 characters, no space, query or fragment.' })
  @IsString()
  @Length(1, 200, { message: 'La page compte de 1 à 200 caractères.' })
  @Matches(ROUTE_PATTERN, { message: 'La page est une route du site : elle commence par « / », sans espace, « ? » ni « # » (ex. « /catalogue »).' })
  page: string;

  @Field({ description: 'A CSS selector (Selectors Level 4, must parse), at most 200 characters, e.g. "#catalogue-search".' })
  @IsString()
  @Length(1, 200, { message: 'La cible compte de 1 à 200 caractères.' })
  @IsCssSelector({ message: 'La cible doit être un sélecteur CSS valide (ex. « #catalogue-search » ou « [data-tour="recherche"] »).' })
  target: string;

  @Field({ description: 'Plain text, 1 to 200 characters, no HTML.' })
  @IsString()
  @Length(1, 200, { message: 'Le titre compte de 1 à 200 caractères.' })
  @IsSafeMarkdown()
  title: string;

  @Field({ description: 'Markdown, 1 to 5,000 characters; raw HTML and links other than http(s), mailto:, tel: or relative are refused.' })
  @IsString()
  @Length(1, 5_000, { message: 'Le texte compte de 1 à 5 000 caractères.' })
  @IsSafeMarkdown()
  body: string;

  @Field(() => Int, { nullable: true, description: POSITION })
  position?: number | null;
}
