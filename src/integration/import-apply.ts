import type { EntityManager } from 'typeorm';
import { TrainingStatus } from '../catalogue/catalogue.enums';
import type { Context } from '../context';
import { notifySessionChanged, promoteWaitlisted } from '../enrolment/enrolment.service';
import { notifySubmissions } from '../review/review-mails';
import { recordChanges, type ChangeRecord } from './catalogue-changes';
import { ChangeType } from './integration.enums';
import type { ItemPlan } from './import-plan';
import { ImportStatus } from './import.types';
import { editTrainings, insertSessions, insertTrainings, reviseTrainings, updateSessions } from './import-writes';

/**
 * Writes what the plans say (items CREATED or UPDATED), in the caller's transaction; returns the
 * ids of the trainings written. Statements do not grow with the items: agents of sessions changed
 * (dates or place moved, seats added to a waiting line) are promoted and told through the
 * enrolment service, as updateSession does, for all those sessions at once. The caller holds
 * those sessions' row locks: the import reads them FOR NO KEY UPDATE, which enrolments, locking
 * their session FOR UPDATE, wait for.
 */
export async function applyPlans(ctx: Context, manager: EntityManager, partnerId: string, plans: ItemPlan[]): Promise<string[]> {
  const live = plans.filter(plan => plan.status === ImportStatus.CREATED || plan.status === ImportStatus.UPDATED);
  if (live.length === 0) return [];
  const created = await insertTrainings(
    manager,
    partnerId,
    live.filter(plan => plan.sheetAction === 'create').map(plan => ({ slug: plan.slug!, sheet: plan.sheet! })),
  );
  await editTrainings(
    manager,
    live.filter(plan => plan.sheetAction === 'edit').map(plan => ({ id: plan.training!.id, slug: plan.slug, sheet: plan.sheet! })),
  );
  const revised = live.filter(plan => plan.sheetAction === 'revise');
  await reviseTrainings(
    manager,
    revised.filter(plan => !plan.revision).map(plan => ({ trainingId: plan.training!.id, sheet: plan.sheet! })),
    revised.filter(plan => plan.revision).map(plan => ({ id: plan.revision!.id, trainingId: plan.training!.id, sheet: plan.sheet! })),
  );

  const trainingIdOf = (plan: ItemPlan) => plan.training?.id ?? created.get(plan.externalRef)!;
  const sessions = live.flatMap(plan => plan.sessions.map(session => ({ ...session, trainingId: trainingIdOf(plan) })));
  const inserted = await insertSessions(manager, sessions.filter(session => session.id === null));
  const changed = sessions.filter(session => session.id !== null);
  await updateSessions(manager, changed);
  await promoteWaitlisted(ctx, manager, changed.filter(session => session.promote).map(session => ({ id: session.id!, capacity: session.capacity })));
  await notifySessionChanged(ctx, manager, changed.filter(session => session.notify).map(session => session.id!));

  // The feed and the public catalogue see sessions of published trainings only (drafts are nobody's news).
  const published = new Set(live.filter(plan => plan.training?.status === TrainingStatus.PUBLISHED).map(plan => plan.training!.id));
  const changes: ChangeRecord[] = [
    ...inserted.filter(session => published.has(session.trainingId)).map(session => ({ type: ChangeType.SESSION_CREATED, trainingId: session.trainingId, sessionId: session.id })),
    ...changed.filter(session => published.has(session.trainingId)).map(session => ({ type: ChangeType.SESSION_UPDATED, trainingId: session.trainingId, sessionId: session.id })),
  ];
  await recordChanges(manager, changes);
  if (changes.length > 0) ctx.catalogueChanged();

  await notifySubmissions(
    ctx,
    manager,
    live
      .filter(plan => plan.sheetAction !== null)
      .map(plan => {
        const onRevision = plan.sheetAction === 'revise';
        // A revision is announced under the live title, the one committees know.
        return { training: { id: trainingIdOf(plan), title: onRevision ? plan.training!.title : plan.sheet!.title, partnerId }, onRevision };
      }),
  );
  return live.map(trainingIdOf);
}
