import type { EntityManager } from 'typeorm';
import { recordAudit } from '../accounts/audit.service';
import { forbidden } from '../auth/auth-checker';
import { TrainingStatus } from '../catalogue/catalogue.enums';
import { lockEditableTraining, lockTraining } from '../catalogue/training-editing.service';
import { sheetOf } from '../catalogue/training-sheet';
import type { Training } from '../catalogue/training.entity';
import { trainingWorkflow } from '../catalogue/training-workflow';
import { listTrainingsWhere } from '../catalogue/training.service';
import type { TrainingConnection } from '../catalogue/training.types';
import { visibilityOf, visibilityPredicate } from '../catalogue/training-rights';
import type { Context } from '../context';
import { DomainError, invalidTransition } from '../graphql/errors';
import { toGlobalId } from '../graphql/global-id';
import { validateInput } from '../graphql/validation';
import { ChangeType } from '../integration/integration.enums';
import { recordChanges } from '../integration/catalogue-changes';
import { Committee, ReviewDecision } from './review.enums';
import { notifyDecision, notifySubmission } from './review-mails';
import { mayReviewTrainingOf, maySpeakFor } from './review-rights';
import { Review } from './review.entity';
import type { ReviewInput } from './review.inputs';
import { lockOpenRevision } from './revision.service';
import { TrainingRevision } from './training-revision.entity';

const COMMITTEE_NAME: Record<Committee, string> = { [Committee.EDITORIAL]: 'éditorial', [Committee.TECHNICAL]: 'technique' };

/** DRAFT or CHANGES_REQUESTED, or the pending revision of a published training: to the committees. */
export async function submitTraining(ctx: Context, globalId: string): Promise<{ training: Training }> {
  const grants = await ctx.grants();
  return ctx.db.transaction(async manager => {
    const training = await lockEditableTraining(manager, grants, globalId, ['id']);
    const onRevision = training.status === TrainingStatus.PUBLISHED;
    if (training.status === TrainingStatus.DRAFT || training.status === TrainingStatus.CHANGES_REQUESTED) {
      await trainingWorkflow.setStatus(manager, training.id, TrainingStatus.SUBMITTED);
      await trainingWorkflow.markSubmitted(manager, training.id);
    } else if (training.status === TrainingStatus.PUBLISHED) {
      const revision = await lockOpenRevision(manager, training.id);
      if (!revision) throw invalidTransition('Formation publiée sans révision en attente : modifiez-la d’abord (updateTraining).');
      if (revision.status === TrainingStatus.SUBMITTED) throw invalidTransition('La révision est déjà soumise aux comités.');
      await manager.update(TrainingRevision, { id: revision.id }, { status: TrainingStatus.SUBMITTED, submittedAt: () => 'now()' });
      await trainingWorkflow.markSubmitted(manager, training.id);
    } else {
      const state = { [TrainingStatus.SUBMITTED]: 'déjà soumise', [TrainingStatus.REJECTED]: 'refusée', [TrainingStatus.ARCHIVED]: 'archivée' }[training.status];
      throw invalidTransition(`Formation ${state} : elle ne peut pas être soumise.`);
    }
    const submitted = await trainingWorkflow.reload(manager, training.id);
    await notifySubmission(ctx, manager, { training: submitted, onRevision });
    return { training: submitted };
  });
}

/** Both committees approved this submission: the training (or its revision) goes live, exactly once. */
async function publish(ctx: Context, manager: EntityManager, training: Training, revision: TrainingRevision | null): Promise<void> {
  const target = toGlobalId('Training', training.id);
  ctx.catalogueChanged();
  await recordChanges(manager, [{ type: revision ? ChangeType.TRAINING_UPDATED : ChangeType.TRAINING_PUBLISHED, trainingId: training.id }]);
  if (revision) {
    await trainingWorkflow.applySheet(manager, training.id, sheetOf(revision));
    await manager.update(TrainingRevision, { id: revision.id }, { status: TrainingStatus.PUBLISHED });
    await recordAudit(ctx, manager, 'REVISION_PUBLISHED', target, { submission: training.submission, revision: toGlobalId('TrainingRevision', revision.id) });
  } else {
    await trainingWorkflow.publish(manager, training);
    await recordAudit(ctx, manager, 'TRAINING_PUBLISHED', target, { submission: training.submission, slug: training.slug });
  }
}

/** Applies the decision; whether it published the training (or its revision). */
async function applyDecision(ctx: Context, manager: EntityManager, training: Training, revision: TrainingRevision | null, review: Review): Promise<boolean> {
  if (review.decision === ReviewDecision.APPROVE) {
    const other = review.committee === Committee.EDITORIAL ? Committee.TECHNICAL : Committee.EDITORIAL;
    const approved = await manager.findOneBy(Review, { trainingId: training.id, submission: training.submission, committee: other, decision: ReviewDecision.APPROVE });
    if (approved) await publish(ctx, manager, training, revision);
    return approved !== null;
  }
  const status = review.decision === ReviewDecision.REJECT ? TrainingStatus.REJECTED : TrainingStatus.CHANGES_REQUESTED;
  if (revision) await manager.update(TrainingRevision, { id: revision.id }, { status });
  else await trainingWorkflow.setStatus(manager, training.id, status);
  return false;
}

/**
 * A committee's decision on the submitted version. Decisions on one training are serialised by
 * its row lock, so when the two committees approve at once, the second to commit sees the first
 * approval and publishes: exactly once.
 */
export async function reviewTraining(ctx: Context, input: ReviewInput): Promise<{ review: Review; training: Training }> {
  await validateInput(input, ['input']);
  const grants = await ctx.grants();
  if (!maySpeakFor(grants, input.committee)) throw forbidden();
  const comment = input.comment?.trim() || null;
  if (input.decision !== ReviewDecision.APPROVE && !comment) {
    throw new DomainError('VALIDATION', 'Un commentaire est obligatoire pour demander des modifications ou refuser.', ['input', 'comment']);
  }
  return ctx.db.transaction(async manager => {
    const training = await lockTraining(manager, grants, input.trainingId, ['input', 'trainingId']);
    if (!mayReviewTrainingOf(grants, training.partnerId)) throw forbidden('Vous éditez pour ce partenaire : vous ne pouvez pas examiner ses formations.');
    const revision = training.status === TrainingStatus.PUBLISHED ? await lockOpenRevision(manager, training.id) : null;
    if (training.status !== TrainingStatus.SUBMITTED && revision?.status !== TrainingStatus.SUBMITTED) {
      throw invalidTransition('Aucune version soumise de cette formation n’attend de décision.');
    }
    const decided = await manager.findBy(Review, { trainingId: training.id, submission: training.submission });
    if (decided.some(review => review.committee === input.committee)) {
      throw invalidTransition(`Le comité ${COMMITTEE_NAME[input.committee]} a déjà rendu sa décision sur cette version.`);
    }
    // Two committees means two people: one member of both speaks for one of them per version.
    if (decided.some(review => review.reviewerId === ctx.viewer.userId)) {
      throw forbidden('Vous avez déjà rendu la décision de l’autre comité sur cette version.');
    }
    const review = await manager.save(
      manager.create(Review, {
        trainingId: training.id,
        submission: training.submission,
        committee: input.committee,
        decision: input.decision,
        comment,
        reviewerId: ctx.viewer.userId,
        onRevision: revision !== null,
      }),
    );
    const published = await applyDecision(ctx, manager, training, revision, review);
    await notifyDecision(ctx, manager, {
      training,
      committee: review.committee,
      decision: review.decision,
      comment: review.comment,
      onRevision: review.onRevision,
      published,
    });
    return { review, training: await trainingWorkflow.reload(manager, training.id) };
  });
}

/** Submitted trainings and revisions this committee has not decided on yet, oldest submission first (but for the caller's own partners). */
export async function reviewQueue(
  ctx: Context,
  committee: Committee,
  page: { first?: number | null; after?: string | null; withTotal?: boolean },
): Promise<TrainingConnection> {
  const visibility = visibilityOf(await ctx.grants());
  const waiting = {
    sql: `(t.status = 'SUBMITTED' OR EXISTS (SELECT 1 FROM training_revision v WHERE v.training_id = t.id AND v.status = 'SUBMITTED'))
      AND NOT EXISTS (SELECT 1 FROM review r WHERE r.training_id = t.id AND r.submission = t.submission
        AND r.committee = CAST(:committee AS review_committee_enum))
      AND NOT t.partner_id = ANY(CAST(:ownPartnerIds AS uuid[]))`,
    // What the caller edits, they do not review: it is not waiting for them.
    params: { committee, ownPartnerIds: visibility.partnerIds },
  };
  return listTrainingsWhere(ctx, {
    ...page,
    list: `reviewQueue:${committee}`,
    predicates: [visibilityPredicate(visibility, [TrainingStatus.SUBMITTED, TrainingStatus.PUBLISHED]), waiting],
    order: { expression: 't.submitted_at', type: 'timestamptz', direction: 'ASC' },
  });
}
