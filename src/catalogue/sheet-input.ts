import { In, type EntityManager } from 'typeorm';
import { Refusals } from '../graphql/validation';
import { Collection } from './collection.entity';
import { Licence } from './licence.entity';
import { Partner } from './partner.entity';
import type { TrainingUpdateInput } from './training.inputs';
import type { SheetValues } from './training-sheet';

const trimmed = (values: string[] | null | undefined) => [...new Set((values ?? []).map(value => value.trim()).filter(Boolean))];

async function partnerIds(manager: EntityManager, slugs: string[], field: string[], refusals: Refusals): Promise<string[]> {
  if (slugs.length === 0) return [];
  const partners = await manager.findBy(Partner, { slug: In(slugs) });
  const unknown = slugs.filter(slug => !partners.some(partner => partner.slug === slug));
  if (unknown.length > 0) refusals.add('NOT_FOUND', `Partenaire inconnu : ${unknown.join(', ')}.`, field);
  return slugs.flatMap(slug => partners.filter(partner => partner.slug === slug).map(partner => partner.id));
}

/**
 * The column values of the fields an input gives (validated already): slugs and codes resolved to
 * ids, unknown ones refused as NOT_FOUND naming the field, text trimmed, lists de-duplicated.
 */
export async function sheetValuesOf(manager: EntityManager, input: TrainingUpdateInput, path: string[]): Promise<Partial<SheetValues>> {
  const refusals = new Refusals();
  const values: Partial<SheetValues> = {};
  if (input.collection != null) {
    const collection = await manager.findOneBy(Collection, { slug: input.collection });
    if (collection) values.collectionId = collection.id;
    else refusals.add('NOT_FOUND', `Collection inconnue : ${input.collection}.`, [...path, 'collection']);
  }
  if (input.licence != null) {
    const licence = await manager.findOneBy(Licence, { code: input.licence });
    if (licence) values.licenceId = licence.id;
    else refusals.add('NOT_FOUND', `Licence inconnue : ${input.licence}.`, [...path, 'licence']);
  }
  if (input.coFunders !== undefined) values.coFunderIds = await partnerIds(manager, trimmed(input.coFunders), [...path, 'coFunders'], refusals);
  if (input.audienceRule !== undefined) {
    const rule = input.audienceRule;
    values.audiencePartnerIds = await partnerIds(manager, trimmed(rule?.partners), [...path, 'audienceRule', 'partners'], refusals);
    values.audienceCategories = [...new Set(rule?.categories ?? [])];
    // Compared with agents' functions, which profiles keep lower-cased.
    values.audienceFunctions = trimmed(rule?.functions).map(entry => entry.toLowerCase());
  }
  refusals.throwIfAny();

  if (input.title != null) values.title = input.title.trim();
  if (input.summary != null) values.summary = input.summary.trim();
  if (input.objectives != null) values.objectives = trimmed(input.objectives);
  if (input.modality != null) values.modality = input.modality;
  if (input.content !== undefined) values.content = input.content?.trim() || null;
  if (input.prerequisites !== undefined) values.prerequisites = input.prerequisites?.trim() || null;
  if (input.audience !== undefined) values.audience = input.audience?.trim() || null;
  if (input.targetJobs !== undefined) values.targetJobs = trimmed(input.targetJobs);
  if (input.keywords !== undefined) values.keywords = trimmed(input.keywords);
  if (input.durationMinutes !== undefined) values.durationMinutes = input.durationMinutes;
  if (input.certifying !== undefined) values.certifying = input.certifying ?? false;
  if (input.externalRef !== undefined) values.externalRef = input.externalRef?.trim() || null;
  return values;
}

/** A partner's references identify its trainings (imports match on them): one training each. */
export async function externalRefTaken(manager: EntityManager, partnerId: string, externalRef: string, exceptTrainingId: string | null): Promise<boolean> {
  const rows = await manager.query(`SELECT 1 FROM training WHERE partner_id = $1 AND external_ref = $2 AND id IS DISTINCT FROM $3`, [
    partnerId,
    externalRef,
    exceptTrainingId,
  ]);
  return rows.length > 0;
}
