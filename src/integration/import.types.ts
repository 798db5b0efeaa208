import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Training } from '../catalogue/training.entity';
import { UserError } from '../graphql/errors';

export enum ImportStatus {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  UNCHANGED = 'UNCHANGED',
  FAILED = 'FAILED',
}

registerEnumType(ImportStatus, {
  name: 'ImportStatus',
  description: 'What the import did (or, with dryRun or a rejected call, would do) with one item.',
  valuesConfig: {
    CREATED: { description: 'A new training, submitted to the committees.' },
    UPDATED: {
      description: 'A draft or a training sent back, edited and resubmitted; for a published one, a submitted pending revision; sessions created or updated.',
    },
    UNCHANGED: { description: 'The same content as held: nothing written.' },
    FAILED: { description: 'Refused: see errors, each naming its field.' },
  },
});

@ObjectType({ description: 'One item of an import, in the order sent.' })
export class ImportItemResult {
  @Field(() => String)
  externalRef: string;

  @Field(() => ImportStatus)
  status: ImportStatus;

  @Field(() => Training, { nullable: true, description: 'The training as it now stands; null when FAILED, or not created (dryRun, rejected call).' })
  training: Training | null;

  @Field(() => [UserError], { description: 'Why the item failed; each names its field, e.g. ["items", "3", "title"].' })
  errors: UserError[];
}

@ObjectType({ description: 'The outcome of importTrainings, item by item.' })
export class ImportReport {
  @Field(() => [ImportItemResult])
  items: ImportItemResult[];

  @Field(() => Int)
  created: number;

  @Field(() => Int)
  updated: number;

  @Field(() => Int)
  unchanged: number;

  @Field(() => Int)
  failed: number;

  @Field({ description: 'Whether the report was written: false under dryRun, or when REJECT_EVERYTHING refused the call because an item failed.' })
  applied: boolean;

  @Field(() => [UserError], { description: 'Refusals of the whole call (too many items, unknown partner): then items is empty.' })
  userErrors: UserError[];
}

/** A whole-call refusal still answers with a report (empty), as the schema's non-null fields require. */
export function reportOrEmpty(result: Partial<ImportReport> & { userErrors: UserError[] }): ImportReport {
  return Object.assign(new ImportReport(), { items: [], created: 0, updated: 0, unchanged: 0, failed: 0, applied: false, ...result });
}
