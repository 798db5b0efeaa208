import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Field, InputType, Int, registerEnumType } from 'type-graphql';
import { present } from '../graphql/validation';
import { AgentCategory, Modality, TrainingStatus } from './catalogue.enums';

const NOT_BLANK = /\S/;
export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

@InputType({ description: 'Who may enrol; an absent or empty list means no restriction on that axis.' })
export class AudienceRuleInput {
  @Field(() => [String], { nullable: true, description: 'Partner slugs: agents employed by one of them.' })
  @IsOptional()
  @ArrayMaxSize(50, { message: 'Au plus 50 partenaires.' })
  partners?: string[] | null;

  @Field(() => [AgentCategory], { nullable: true })
  @IsOptional()
  @IsEnum(AgentCategory, { each: true, message: 'Catégorie inconnue.' })
  categories?: AgentCategory[] | null;

  @Field(() => [String], { nullable: true, description: 'Functions (compared without case).' })
  @IsOptional()
  @ArrayMaxSize(50, { message: 'Au plus 50 fonctions.' })
  @Length(1, 100, { each: true, message: 'Chaque fonction compte de 1 à 100 caractères.' })
  @Matches(NOT_BLANK, { each: true, message: 'Une fonction ne peut pas être vide.' })
  functions?: string[] | null;
}

@InputType({ description: 'Changes to a training: every TrainingInput field but partner; absent fields stay as they are.' })
export class TrainingUpdateInput {
  @Field(() => String, { nullable: true, description: 'Collection slug.' })
  @ValidateIf(present)
  @IsString({ message: 'La collection est obligatoire.' })
  collection?: string | null;

  @Field(() => String, { nullable: true, description: 'Licence code, e.g. CC-BY-4.0.' })
  @ValidateIf(present)
  @IsString({ message: 'La licence est obligatoire.' })
  licence?: string | null;

  @Field(() => String, { nullable: true })
  @ValidateIf(present)
  @IsString({ message: 'Le titre est obligatoire.' })
  @Length(3, 300, { message: 'Le titre compte de 3 à 300 caractères.' })
  @Matches(NOT_BLANK, { message: 'Le titre ne peut pas être vide.' })
  title?: string | null;

  @Field(() => String, { nullable: true })
  @ValidateIf(present)
  @IsString({ message: 'Le résumé est obligatoire.' })
  @Length(1, 2000, { message: 'Le résumé compte de 1 à 2 000 caractères.' })
  @Matches(NOT_BLANK, { message: 'Le résumé ne peut pas être vide.' })
  summary?: string | null;

  @Field(() => [String], { nullable: true })
  @ValidateIf(present)
  @IsArray({ message: 'Les objectifs sont obligatoires.' })
  @ArrayMinSize(1, { message: 'Indiquez au moins un objectif.' })
  @ArrayMaxSize(20, { message: 'Au plus 20 objectifs.' })
  @Length(1, 500, { each: true, message: 'Chaque objectif compte de 1 à 500 caractères.' })
  @Matches(NOT_BLANK, { each: true, message: 'Un objectif ne peut pas être vide.' })
  objectives?: string[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(50_000, { message: 'Le contenu compte au plus 50 000 caractères.' })
  content?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(5000, { message: 'Les prérequis comptent au plus 5 000 caractères.' })
  prerequisites?: string | null;

  @Field(() => String, { nullable: true, description: 'The target public, as prose.' })
  @IsOptional()
  @MaxLength(5000, { message: 'Le public visé compte au plus 5 000 caractères.' })
  audience?: string | null;

  @Field(() => AudienceRuleInput, { nullable: true, description: 'Null clears every restriction.' })
  @IsOptional()
  @ValidateNested()
  audienceRule?: AudienceRuleInput | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50, { message: 'Au plus 50 métiers.' })
  @Length(1, 200, { each: true, message: 'Chaque métier compte de 1 à 200 caractères.' })
  targetJobs?: string[] | null;

  @Field(() => Modality, { nullable: true })
  @ValidateIf(present)
  @IsEnum(Modality, { message: 'La modalité est obligatoire.' })
  modality?: Modality | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt({ message: 'La durée est un nombre entier de minutes.' })
  @Min(1, { message: 'La durée est d’au moins une minute.' })
  @Max(100_000, { message: 'La durée est d’au plus 100 000 minutes.' })
  durationMinutes?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Default false.' })
  @IsOptional()
  @IsBoolean()
  certifying?: boolean | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(30, { message: 'Au plus 30 mots-clés.' })
  @Length(1, 60, { each: true, message: 'Chaque mot-clé compte de 1 à 60 caractères.' })
  keywords?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Partner slugs.' })
  @IsOptional()
  @ArrayMaxSize(20, { message: 'Au plus 20 cofinanceurs.' })
  coFunders?: string[] | null;

  @Field(() => String, { nullable: true, description: "The partner's own reference, unique per partner." })
  @IsOptional()
  @Length(1, 100, { message: 'La référence externe compte de 1 à 100 caractères.' })
  @Matches(NOT_BLANK, { message: 'La référence externe ne peut pas être vide.' })
  externalRef?: string | null;

  @Field(() => String, { nullable: true, description: 'Derived from the title when absent; cannot change once published.' })
  @IsOptional()
  @MaxLength(100, { message: 'Le slug compte au plus 100 caractères.' })
  @Matches(SLUG_PATTERN, { message: 'Le slug ne contient que des minuscules sans accents, des chiffres et des tirets (ex. « achat-public-2026 »).' })
  slug?: string | null;
}

/**
 * A whole sheet: the fields TrainingUpdateInput leaves optional that a new training cannot go
 * without. A base for TrainingInput and TrainingImportInput; no operation takes it, so the schema
 * does not show it.
 */
@InputType()
export class WholeTrainingSheet extends TrainingUpdateInput {
  @Field(() => String, { description: 'Collection slug.' })
  declare collection: string;

  @Field(() => String, { description: 'Licence code, e.g. CC-BY-4.0.' })
  declare licence: string;

  @Field(() => String)
  declare title: string;

  @Field(() => String)
  declare summary: string;

  @Field(() => [String])
  declare objectives: string[];

  @Field(() => Modality)
  declare modality: Modality;
}

@InputType({ description: 'A new training, created as a DRAFT.' })
export class TrainingInput extends WholeTrainingSheet {
  @Field({ description: 'Slug of the partner that publishes it; the caller must be one of its editors, or an admin.' })
  @IsString()
  @Length(1, 100, { message: 'Le partenaire est obligatoire.' })
  partner: string;
}

export enum TrainingOrder {
  RELEVANCE = 'RELEVANCE',
  NEWEST = 'NEWEST',
  TITLE = 'TITLE',
  NEXT_SESSION = 'NEXT_SESSION',
}

registerEnumType(TrainingOrder, {
  name: 'TrainingOrder',
  description: 'Order of a training list.',
  valuesConfig: {
    RELEVANCE: { description: 'Best match first with a search; without one, the same as NEWEST.' },
    NEWEST: { description: 'Most recently published first.' },
    TITLE: { description: 'Alphabetical, by title.' },
    NEXT_SESSION: { description: 'Soonest upcoming session first; trainings without one last.' },
  },
});

/** Values a filter list may hold: enough for any real panel, few enough to keep the SQL small. */
export const MAX_FILTER_VALUES = 50;

/** The filter's lists longer than MAX_FILTER_VALUES, by name. */
export function overlongFilterLists(filter: TrainingFilter | null | undefined): string[] {
  if (!filter) return [];
  const lists = { collections: filter.collections, partners: filter.partners, modalities: filter.modalities, statuses: filter.statuses };
  return Object.entries(lists).filter(([, values]) => (values?.length ?? 0) > MAX_FILTER_VALUES).map(([name]) => name);
}

@InputType({ description: 'Filters of the catalogue; every list given narrows the result (values of one list are alternatives; at most 50 each).' })
export class TrainingFilter {
  @Field(() => [String], { nullable: true, description: 'Collection slugs.' })
  collections?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Partner slugs.' })
  partners?: string[] | null;

  @Field(() => [Modality], { nullable: true })
  modalities?: Modality[] | null;

  @Field(() => Boolean, { nullable: true })
  certifying?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'A session whose enrolment window is open and that is not cancelled.' })
  hasOpenSession?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Only what the signed-in user may enrol in (nothing for anonymous visitors).' })
  eligibleOnly?: boolean | null;

  @Field(() => [TrainingStatus], { nullable: true, description: 'Statuses beyond PUBLISHED only for those allowed to see them.' })
  statuses?: TrainingStatus[] | null;
}
