import { ArrayMaxSize, IsArray, IsOptional, Length, Matches, ValidateNested } from 'class-validator';
import { Field, InputType, registerEnumType } from 'type-graphql';
import { SessionUpdateInput } from '../catalogue/session.inputs';
import { WholeTrainingSheet } from '../catalogue/training.inputs';

const NOT_BLANK = /\S/;

/** Items per call: the 5-second budget, and a transaction short enough to hold the partner's import lock. */
export const MAX_IMPORT_ITEMS = 500;
/** Sessions per item: a training's calendar for a few years, not a log. */
export const MAX_IMPORT_SESSIONS = 200;

export enum ImportErrorPolicy {
  REJECT_EVERYTHING = 'REJECT_EVERYTHING',
  REJECT_FAILED_ITEMS = 'REJECT_FAILED_ITEMS',
}

registerEnumType(ImportErrorPolicy, {
  name: 'ImportErrorPolicy',
  description: 'What one failed item does to the others.',
  valuesConfig: {
    REJECT_EVERYTHING: { description: 'The default: one failed item and nothing is written.' },
    REJECT_FAILED_ITEMS: { description: 'The other items are written.' },
  },
});

@InputType({ description: 'A session of an imported training: SessionInput without trainingId, matched by its externalRef within the training.' })
export class ImportSessionInput extends SessionUpdateInput {
  @Field(() => String, { description: "The partner's reference for the session, unique within the training." })
  @Length(1, 100, { message: 'La référence externe de la session compte de 1 à 100 caractères.' })
  @Matches(NOT_BLANK, { message: 'La référence externe de la session ne peut pas être vide.' })
  externalRef: string;

  @Field(() => Date)
  declare startsAt: Date;

  @Field(() => Date)
  declare endsAt: Date;
}

/**
 * A whole training sheet with its sessions (TrainingInput without partner): absent optional fields
 * are the defaults (cleared), not "unchanged", so that the same item twice means the same sheet.
 */
@InputType({ description: "A whole training sheet of the partner, keyed by its externalRef, with its sessions. Absent optional fields take their defaults." })
export class TrainingImportInput extends WholeTrainingSheet {
  @Field(() => String, { description: "The partner's reference: the import's key." })
  declare externalRef: string;

  @Field(() => [ImportSessionInput], { nullable: true, description: 'Sessions created or updated (by externalRef); sessions not listed are left as they are.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_IMPORT_SESSIONS, { message: `Au plus ${MAX_IMPORT_SESSIONS} sessions par formation.` })
  @ValidateNested()
  sessions?: ImportSessionInput[] | null;
}

/** What GraphQL makes sure of, and a file does not: the fields an item cannot go without. */
export const REQUIRED_TRAINING_FIELDS = ['externalRef', 'collection', 'licence', 'title', 'summary', 'objectives', 'modality'] as const;
export const REQUIRED_SESSION_FIELDS = ['externalRef', 'startsAt', 'endsAt'] as const;
