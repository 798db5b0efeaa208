import { In, IsNull, Not, type EntityManager } from 'typeorm';
import { recordAudit } from '../accounts/audit.service';
import { forbidden } from '../auth/auth-checker';
import { TrainingStatus } from '../catalogue/catalogue.enums';
import { lockTrainingIdentifiers, slugify } from '../catalogue/slug';
import { mayEdit } from '../catalogue/training-rights';
import { TrainingSession } from '../catalogue/training-session.entity';
import { Training } from '../catalogue/training.entity';
import type { Context } from '../context';
import { DomainError, UserError } from '../graphql/errors';
import { toGlobalId } from '../graphql/global-id';
import { OPEN_REVISION_STATUSES, TrainingRevision } from '../review/training-revision.entity';
import { checkItem, failed, planItem, writesSlug, type Held, type ItemPlan, type References } from './import-plan';
import { ImportErrorPolicy, MAX_IMPORT_ITEMS, type TrainingImportInput } from './import.inputs';
import { ImportStatus, type ImportReport } from './import.types';
import { takenIdentifiers } from './import-writes';
import { applyPlans } from './import-apply';

export interface ImportArgs {
  partner: string;
  items: TrainingImportInput[];
  dryRun?: boolean | null;
  errorPolicy?: ImportErrorPolicy | null;
  /** Where the call came from, for the audit trail (e.g. the CLI and its file). */
  source?: string;
}

/** Collections, licences and partners by slug or code, in one statement. */
async function readReferences(ctx: Context): Promise<References> {
  const [row]: { collections: Record<string, string>; licences: Record<string, string>; partners: Record<string, string> }[] = await ctx.db.query(
    `SELECT (SELECT coalesce(json_object_agg(slug, id), '{}') FROM collection) AS collections,
            (SELECT coalesce(json_object_agg(code, id), '{}') FROM licence) AS licences,
            (SELECT coalesce(json_object_agg(slug, id), '{}') FROM partner) AS partners`,
  );
  const map = (object: Record<string, string>) => new Map(Object.entries(object));
  return { collections: map(row.collections), licences: map(row.licences), partners: map(row.partners) };
}

/** The partner's editors and admins; an API client (its scope checked by @Authorized) for its own partner only. */
async function checkRights(ctx: Context, partnerId: string): Promise<void> {
  const { client } = ctx.viewer;
  if (client) {
    if (client.partnerId !== partnerId) throw forbidden('Un client d’API n’importe que pour son propre partenaire.');
    return;
  }
  if (!mayEdit(await ctx.grants(), partnerId)) throw forbidden();
}

/**
 * The partner's trainings the items name, their open revisions and their sessions with a
 * reference: three statements whatever the number of items, rows locked unless dry.
 */
async function readHeld(manager: EntityManager, partnerId: string, refs: string[], lock: boolean): Promise<Held> {
  const held: Held = { trainings: new Map(), revisions: new Map(), sessions: new Map() };
  if (refs.length === 0) return held;
  // FOR NO KEY UPDATE, not FOR UPDATE: writers still wait for each other, but not the foreign-key checks
  // (FOR KEY SHARE) of enrolment changes, which otherwise deadlock with this import (found by test/app/scale-out.test.ts).
  const forUpdate = lock ? { lock: { mode: 'for_no_key_update' as const } } : {};
  const trainings = await manager.find(Training, { where: { partnerId, externalRef: In(refs) }, ...forUpdate });
  for (const training of trainings) held.trainings.set(training.externalRef!, training);
  const published = trainings.filter(training => training.status === TrainingStatus.PUBLISHED).map(training => training.id);
  if (published.length > 0) {
    const revisions = await manager.find(TrainingRevision, { where: { trainingId: In(published), status: In(OPEN_REVISION_STATUSES) }, ...forUpdate });
    for (const revision of revisions) held.revisions.set(revision.trainingId, revision);
  }
  if (trainings.length > 0) {
    const sessions = await manager.find(TrainingSession, { where: { trainingId: In(trainings.map(training => training.id)), externalRef: Not(IsNull()) }, ...forUpdate });
    for (const session of sessions) {
      if (!held.sessions.has(session.trainingId)) held.sessions.set(session.trainingId, new Map());
      held.sessions.get(session.trainingId)!.set(session.externalRef!, session);
    }
  }
  return held;
}

/**
 * Slugs for the new trainings (as createTraining gives them: from the title, `-2`, `-3`… when
 * taken; a slug asked for must be free, a failed item's too, though not kept for it) and for drafts
 * whose slug changes, under the identifiers lock that createTraining takes too; a reference another
 * training took meanwhile fails its item.
 */
async function allocateSlugs(manager: EntityManager, partnerId: string, plans: ItemPlan[], lock: boolean): Promise<void> {
  const naming = plans.filter(plan => plan.sheetAction === 'create' || writesSlug(plan));
  if (naming.length === 0) return;
  if (lock) await lockTrainingIdentifiers(manager);
  const wanted = naming.map(plan => plan.slug ?? (slugify(plan.sheet!.title) || 'formation'));
  const creating = naming.filter(plan => plan.sheetAction === 'create').map(plan => plan.externalRef);
  const taken = await takenIdentifiers(manager, partnerId, [...new Set(wanted)], creating);
  naming.forEach((plan, position) => {
    const at = ['items', String(plan.index)];
    if (plan.sheetAction === 'create' && taken.refs.has(plan.externalRef)) {
      failed(plan, new DomainError('VALIDATION', `La référence « ${plan.externalRef} » vient d’être donnée à une autre formation : relancez l’import.`, [...at, 'externalRef']));
      return;
    }
    if (plan.slug !== null) {
      if (taken.slugs.has(plan.slug)) failed(plan, new DomainError('VALIDATION', `Le slug « ${plan.slug} » est déjà pris.`, [...at, 'slug']));
      // A failed item is not written: its slug stays free for the items after it.
      else if (plan.status !== ImportStatus.FAILED) taken.slugs.add(plan.slug);
      return;
    }
    const base = wanted[position];
    let slug = base;
    for (let suffix = 2; taken.slugs.has(slug); suffix += 1) slug = `${base}-${suffix}`;
    taken.slugs.add(slug);
    plan.slug = slug;
  });
}

const userError = (error: DomainError) => Object.assign(new UserError(), { code: error.code, message: error.message, field: error.field });

/**
 * importTrainings: every item planned against what the partner holds, then — unless dry, or
 * REJECT_EVERYTHING and an item failed — written in a few batched statements, in one transaction
 * holding the partner's import lock (identical calls racing run one after the other: the second
 * finds everything UNCHANGED).
 */
export async function importTrainings(ctx: Context, args: ImportArgs): Promise<Omit<ImportReport, 'userErrors'>> {
  if (args.items.length > MAX_IMPORT_ITEMS) {
    throw new DomainError('VALIDATION', `Au plus ${MAX_IMPORT_ITEMS} formations par appel (${args.items.length} reçues) : envoyez-les en plusieurs appels.`, ['items']);
  }
  const references = await readReferences(ctx);
  const partnerId = references.partners.get(args.partner);
  if (!partnerId) throw new DomainError('NOT_FOUND', `Partenaire inconnu : ${args.partner}.`, ['partner']);
  await checkRights(ctx, partnerId);
  const dryRun = args.dryRun ?? false;
  const policy = args.errorPolicy ?? ImportErrorPolicy.REJECT_EVERYTHING;

  const checked = await Promise.all(args.items.map((item, index) => checkItem(item, index, references)));
  // Two items with one reference: the later ones fail, whatever else is wrong with either.
  const firstIndex = new Map<string, number>();
  checked.forEach(({ externalRef, errors }, index) => {
    if (externalRef === null) return;
    const first = firstIndex.get(externalRef);
    if (first === undefined) firstIndex.set(externalRef, index);
    else errors.push(new DomainError('VALIDATION', `La référence « ${externalRef} » figure déjà plus haut dans l’import (n° ${first}).`, ['items', String(index), 'externalRef']));
  });

  return ctx.db.transaction(async manager => {
    if (!dryRun) await manager.query(`SELECT pg_advisory_xact_lock(hashtext('mentor:import:' || $1))`, [partnerId]);
    const held = await readHeld(manager, partnerId, [...firstIndex.keys()], !dryRun);
    const plans = args.items.map((item, index) => planItem(item, index, checked[index], held));
    await allocateSlugs(manager, partnerId, plans, !dryRun);

    const rejected = policy === ImportErrorPolicy.REJECT_EVERYTHING && plans.some(plan => plan.status === ImportStatus.FAILED);
    const applied = !dryRun && !rejected;
    const trainings = new Map(plans.filter(plan => plan.training).map(plan => [plan.externalRef, plan.training!]));
    const written = applied ? await applyPlans(ctx, manager, partnerId, plans) : [];
    if (written.length > 0) {
      for (const training of await manager.findBy(Training, { id: In(written) })) trainings.set(training.externalRef!, training);
      const count = (status: ImportStatus) => plans.filter(plan => plan.status === status).length;
      await recordAudit(ctx, manager, 'TRAININGS_IMPORTED', toGlobalId('Partner', partnerId), {
        created: count(ImportStatus.CREATED),
        updated: count(ImportStatus.UPDATED),
        unchanged: count(ImportStatus.UNCHANGED),
        failed: count(ImportStatus.FAILED),
        ...(args.source && { source: args.source }),
      });
    }
    const items = plans.map(plan => ({
      externalRef: plan.externalRef,
      status: plan.status,
      training: plan.status === ImportStatus.FAILED ? null : (trainings.get(plan.externalRef) ?? null),
      errors: plan.errors.map(userError),
    }));
    const count = (status: ImportStatus) => items.filter(item => item.status === status).length;
    return {
      items,
      created: count(ImportStatus.CREATED),
      updated: count(ImportStatus.UPDATED),
      unchanged: count(ImportStatus.UNCHANGED),
      failed: count(ImportStatus.FAILED),
      applied,
    };
  });
}
