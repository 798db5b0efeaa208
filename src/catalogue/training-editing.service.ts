import type { EntityManager } from 'typeorm';
import { recordAudit } from '../accounts/audit.service';
import { forbidden } from '../auth/auth-checker';
import type { Grant } from '../auth/viewer';
import type { Context } from '../context';
import { DomainError, invalidTransition } from '../graphql/errors';
import { localIdOf, toGlobalId } from '../graphql/global-id';
import { validateInput } from '../graphql/validation';
import { recordChanges } from '../integration/catalogue-changes';
import { ChangeType } from '../integration/integration.enums';
import { closeOpenRevision, proposeRevision } from '../review/revision.service';
import { TrainingStatus } from './catalogue.enums';
import { Partner } from './partner.entity';
import { externalRefTaken, sheetValuesOf } from './sheet-input';
import { freeSlug, lockTrainingIdentifiers, slugify, slugTaken } from './slug';
import type { SheetValues } from './training-sheet';
import { Training } from './training.entity';
import type { TrainingInput, TrainingUpdateInput } from './training.inputs';
import { canSeeTraining, mayEdit, visibilityOf } from './training-rights';

/**
 * The training a mutation works on, locked for the rest of its transaction: unknown and hidden
 * trainings are alike NOT_FOUND (nobody learns a draft exists); visible but not the caller's to
 * edit is FORBIDDEN.
 */
export async function lockEditableTraining(manager: EntityManager, grants: readonly Grant[], globalId: string, field: string[]): Promise<Training> {
  const training = await lockTraining(manager, grants, globalId, field);
  if (!mayEdit(grants, training.partnerId)) throw forbidden();
  return training;
}

/**
 * A training the caller may see, locked for the rest of the transaction: FOR NO KEY UPDATE, so that
 * editors wait for each other but enrolment changes' foreign-key checks (FOR KEY SHARE) do not (the
 * deadlock the import met: test/app/scale-out.test.ts).
 */
export async function lockTraining(manager: EntityManager, grants: readonly Grant[], globalId: string, field: string[]): Promise<Training> {
  const id = localIdOf(globalId, 'Training');
  const training = id ? await manager.findOne(Training, { where: { id }, lock: { mode: 'for_no_key_update' } }) : null;
  if (!training || !canSeeTraining(visibilityOf(grants), training)) throw new DomainError('NOT_FOUND', 'Formation introuvable.', field);
  return training;
}

async function checkExternalRef(manager: EntityManager, partnerId: string, values: Partial<SheetValues>, trainingId: string | null): Promise<void> {
  if (values.externalRef && (await externalRefTaken(manager, partnerId, values.externalRef, trainingId))) {
    throw new DomainError('VALIDATION', `La référence externe « ${values.externalRef} » désigne déjà une autre formation de ce partenaire.`, [
      'input',
      'externalRef',
    ]);
  }
}

async function checkSlugFree(manager: EntityManager, slug: string, trainingId: string | null): Promise<void> {
  if (await slugTaken(manager, slug, trainingId)) throw new DomainError('VALIDATION', `Le slug « ${slug} » est déjà pris.`, ['input', 'slug']);
}

/** EDITOR of `input.partner` or ADMIN: a new DRAFT, its slug derived from the title unless given. */
export async function createTraining(ctx: Context, input: TrainingInput): Promise<{ training: Training }> {
  await validateInput(input, ['input']);
  const grants = await ctx.grants();
  return ctx.db.transaction(async manager => {
    const partner = await manager.findOneBy(Partner, { slug: input.partner });
    if (!partner) throw new DomainError('NOT_FOUND', `Partenaire inconnu : ${input.partner}.`, ['input', 'partner']);
    if (!mayEdit(grants, partner.id)) throw forbidden();
    const values = await sheetValuesOf(manager, input, ['input']);
    await lockTrainingIdentifiers(manager);
    await checkExternalRef(manager, partner.id, values, null);
    if (input.slug) await checkSlugFree(manager, input.slug, null);
    const slug = input.slug ?? (await freeSlug(manager, slugify(input.title) || 'formation'));
    const training = manager.create(Training, { ...values, slug, partnerId: partner.id, status: TrainingStatus.DRAFT });
    await manager.save(training);
    return { training: await manager.findOneByOrFail(Training, { id: training.id }) };
  });
}

/**
 * A draft (or a training sent back for changes) is edited in place. A published training is not
 * touched: the changes wait in its pending revision until both committees approve them.
 */
export async function updateTraining(ctx: Context, globalId: string, input: TrainingUpdateInput): Promise<{ training: Training }> {
  await validateInput(input, ['input']);
  const grants = await ctx.grants();
  return ctx.db.transaction(async manager => {
    const training = await lockEditableTraining(manager, grants, globalId, ['id']);
    const values = await sheetValuesOf(manager, input, ['input']);
    const slugChanges = input.slug != null && input.slug !== training.slug;
    const refChanges = values.externalRef !== undefined && values.externalRef !== training.externalRef;
    switch (training.status) {
      case TrainingStatus.DRAFT:
      case TrainingStatus.CHANGES_REQUESTED:
        if (slugChanges || refChanges) await lockTrainingIdentifiers(manager);
        if (refChanges) await checkExternalRef(manager, training.partnerId, values, training.id);
        if (slugChanges) await checkSlugFree(manager, input.slug!, training.id);
        await manager.update(Training, { id: training.id }, { ...values, ...(slugChanges && { slug: input.slug! }) });
        return { training: await manager.findOneByOrFail(Training, { id: training.id }) };
      case TrainingStatus.PUBLISHED:
        // Both identify the training outside (links, partners' systems): they change before publication only.
        if (slugChanges) throw new DomainError('VALIDATION', 'Le slug d’une formation publiée ne change plus : ses liens doivent rester valables.', ['input', 'slug']);
        if (refChanges) throw new DomainError('VALIDATION', 'La référence externe d’une formation publiée ne change plus.', ['input', 'externalRef']);
        await proposeRevision(manager, training, values);
        return { training };
      case TrainingStatus.SUBMITTED:
        throw invalidTransition('Formation en cours d’examen par les comités : attendez leur décision pour la modifier.');
      default:
        throw invalidTransition(`Une formation ${training.status === TrainingStatus.ARCHIVED ? 'archivée' : 'refusée'} ne se modifie plus.`);
    }
  });
}

/** A published training leaves the catalogue; its enrolments and attestations stay. */
export async function archiveTraining(ctx: Context, globalId: string): Promise<{ training: Training }> {
  const grants = await ctx.grants();
  return ctx.db.transaction(async manager => {
    const training = await lockEditableTraining(manager, grants, globalId, ['id']);
    if (training.status !== TrainingStatus.PUBLISHED) throw invalidTransition('Seule une formation publiée s’archive.');
    await closeOpenRevision(manager, training.id);
    await manager.update(Training, { id: training.id }, { status: TrainingStatus.ARCHIVED, archivedAt: () => 'now()' });
    await recordChanges(manager, [{ type: ChangeType.TRAINING_ARCHIVED, trainingId: training.id }]);
    ctx.catalogueChanged();
    await recordAudit(ctx, manager, 'TRAINING_ARCHIVED', toGlobalId('Training', training.id), { slug: training.slug });
    return { training: await manager.findOneByOrFail(Training, { id: training.id }) };
  });
}
