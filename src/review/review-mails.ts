import type { EntityManager } from 'typeorm';
import type { Grant } from '../auth/viewer';
import type { Training } from '../catalogue/training.entity';
import type { Context } from '../context';
import { toGlobalId } from '../graphql/global-id';
import { composeMail, queueMail, type Mail } from '../mail/mail';
import { Committee, ReviewDecision } from './review.enums';
import { mayReviewTrainingOf, maySpeakFor } from './review-rights';

/*
 * Review traffic: optional e-mails (NotificationPreferences), sent only to verified mailboxes.
 * Links point at the training's page in the review area of the front end, by global id: a
 * draft's slug may still change, its id does not.
 */

interface Recipient {
  email: string;
  displayName: string;
}

/** What a mail says about the training: enough to recognise it, and where to follow it. */
type TrainingFacts = Pick<Training, 'id' | 'title' | 'partnerId'>;

const COMMITTEE: Record<Committee, { name: string; other: string }> = {
  [Committee.EDITORIAL]: { name: 'comité éditorial', other: 'comité technique' },
  [Committee.TECHNICAL]: { name: 'comité technique', other: 'comité éditorial' },
};

export const reviewLink = (appUrl: string, trainingId: string) => `${appUrl}/relecture/${toGlobalId('Training', trainingId)}`;

const greeting = (user: Recipient) => `Bonjour ${user.displayName},`;

/** A comment keeps its paragraphs (blank lines), each its own in the HTML part. */
const commentParagraphs = (comment: string | null): string[] =>
  (comment ?? '')
    .split(/\r?\n\s*\n/)
    .map(part => part.trim())
    .filter(Boolean);

export interface DecisionFacts {
  training: TrainingFacts;
  committee: Committee;
  decision: ReviewDecision;
  comment: string | null;
  /** The decision was about a pending revision of a published training. */
  onRevision: boolean;
  /** This approval was the second: the training (or its revision) is now live. */
  published: boolean;
}

function decisionText(facts: DecisionFacts): { subject: string; paragraphs: string[] } {
  const { title } = facts.training;
  const committee = COMMITTEE[facts.committee];
  const what = facts.onRevision ? `les modifications proposées pour la formation « ${title} »` : `la formation « ${title} »`;
  const comment = commentParagraphs(facts.comment);
  const withComment = comment.length > 0 ? [`Commentaire du ${committee.name} :`, ...comment] : [];
  switch (facts.decision) {
    case ReviewDecision.APPROVE:
      return facts.published
        ? {
            subject: `Formation publiée : ${title}`,
            paragraphs: [
              `Le ${committee.name} a approuvé ${what}. Les deux comités l’ont approuvée : ${facts.onRevision ? 'la fiche en ligne est mise à jour' : 'elle est publiée dans le catalogue'}.`,
              ...withComment,
            ],
          }
        : {
            subject: `Approuvée par le ${committee.name} : ${title}`,
            paragraphs: [`Le ${committee.name} a approuvé ${what}. La publication attend encore la décision du ${committee.other}.`, ...withComment],
          };
    case ReviewDecision.REQUEST_CHANGES:
      return {
        subject: `Modifications demandées : ${title}`,
        paragraphs: [`Le ${committee.name} demande des modifications sur ${what}.`, ...withComment, 'Modifiez la fiche, puis soumettez-la de nouveau aux comités.'],
      };
    case ReviewDecision.REJECT:
      return {
        subject: `${facts.onRevision ? 'Modifications refusées' : 'Formation refusée'} : ${title}`,
        paragraphs: [
          `Le ${committee.name} a refusé ${what}.${facts.onRevision ? ' La version en ligne reste inchangée.' : ''}`,
          ...withComment,
        ],
      };
  }
}

export function decisionMail(appUrl: string, user: Recipient, facts: DecisionFacts): Mail {
  return composeMail(user.email, {
    ...decisionText(facts),
    greeting: greeting(user),
    action: { label: 'Voir la formation', url: reviewLink(appUrl, facts.training.id) },
    after: ['Vous recevez ce message parce que vous éditez les formations de ce partenaire. Vous pouvez le désactiver dans vos préférences de notification.'],
  });
}

export interface SubmissionFacts {
  training: TrainingFacts;
  /** A pending revision of a published training was submitted, rather than the training itself. */
  onRevision: boolean;
}

export function submissionMail(appUrl: string, user: Recipient & { committees: Committee[] }, facts: SubmissionFacts): Mail {
  const { title } = facts.training;
  const committees = user.committees.map(committee => `du ${COMMITTEE[committee].name}`).join(' et ');
  return composeMail(user.email, {
    subject: `${facts.onRevision ? 'Modifications à examiner' : 'Formation à examiner'} : ${title}`,
    greeting: greeting(user),
    paragraphs: [
      facts.onRevision
        ? `Des modifications de la formation publiée « ${title} » ont été soumises aux comités.`
        : `La formation « ${title} » a été soumise aux comités.`,
      `Elle attend la décision ${committees}.`,
    ],
    action: { label: 'Examiner la formation', url: reviewLink(appUrl, facts.training.id) },
    after: ['Vous recevez ce message parce que vous êtes membre d’un comité de relecture. Vous pouvez le désactiver dans vos préférences de notification.'],
  });
}

/**
 * A committee decided: every editor of the training's partner who wants to know (`notifyReviewDecisions`),
 * with a verified mailbox, but the reviewer. In the caller's transaction.
 */
export async function notifyDecision(ctx: Context, manager: EntityManager, facts: DecisionFacts): Promise<void> {
  const rows: { email: string; display_name: string }[] = await manager.query(
    `SELECT u.email, u.display_name FROM user_account u
     WHERE u.email_verified AND u.notify_review_decisions AND u.id IS DISTINCT FROM $2::uuid
       AND EXISTS (SELECT 1 FROM role_grant g WHERE g.user_id = u.id AND g.role = 'EDITOR' AND g.partner_id = $1)
     ORDER BY u.email`,
    [facts.training.partnerId, ctx.viewer.userId],
  );
  await queueMail(ctx, manager, rows.map(row => decisionMail(ctx.appUrl, { email: row.email, displayName: row.display_name }, facts)));
}

interface Reviewer extends Recipient {
  grants: Grant[];
}

/**
 * Committee members who want to hear of new submissions (`notifyNewSubmissions`), with a verified
 * mailbox, but the submitter; read with their grants in one statement, so that the review rule
 * (review-rights: not the training's partner's editors, not admins) is applied here as
 * `reviewTraining` applies it.
 */
async function reviewersToNotify(ctx: Context, manager: EntityManager): Promise<Reviewer[]> {
  const rows: { email: string; display_name: string; grants: Grant[] }[] = await manager.query(
    `SELECT u.email, u.display_name, json_agg(json_build_object('role', g.role, 'partnerId', g.partner_id)) AS grants
     FROM user_account u JOIN role_grant g ON g.user_id = u.id
     WHERE u.email_verified AND u.notify_new_submissions AND u.id IS DISTINCT FROM $1::uuid
       AND EXISTS (SELECT 1 FROM role_grant c WHERE c.user_id = u.id AND c.role IN ('EDITORIAL_COMMITTEE', 'TECHNICAL_COMMITTEE'))
     GROUP BY u.id ORDER BY u.email`,
    [ctx.viewer.userId],
  );
  return rows.map(row => ({ email: row.email, displayName: row.display_name, grants: row.grants }));
}

const committeesOf = (grants: Grant[]) => Object.values(Committee).filter(committee => maySpeakFor(grants, committee));

/** A training or revision was submitted: every committee member who wants to know and may review it. */
export async function notifySubmission(ctx: Context, manager: EntityManager, facts: SubmissionFacts): Promise<void> {
  const reviewers = await reviewersToNotify(ctx, manager);
  const mails = reviewers.flatMap(reviewer =>
    mayReviewTrainingOf(reviewer.grants, facts.training.partnerId) ? [submissionMail(ctx.appUrl, { ...reviewer, committees: committeesOf(reviewer.grants) }, facts)] : [],
  );
  await queueMail(ctx, manager, mails);
}

/** Titles a digest lists before "and N more". */
const DIGEST_TITLES = 20;

export function submissionsMail(appUrl: string, user: Recipient & { committees: Committee[] }, submissions: SubmissionFacts[]): Mail {
  const committees = user.committees.map(committee => `du ${COMMITTEE[committee].name}`).join(' et ');
  const listed = submissions.slice(0, DIGEST_TITLES).map(facts => `« ${facts.training.title} »${facts.onRevision ? ' (modifications de la version publiée)' : ''}`);
  const more = submissions.length - listed.length;
  return composeMail(user.email, {
    subject: `${submissions.length} formations à examiner`,
    greeting: greeting(user),
    paragraphs: [
      `${submissions.length} formations ou modifications de formations publiées ont été soumises ensemble aux comités :`,
      ...listed,
      ...(more > 0 ? [`et ${more} autre${more > 1 ? 's' : ''}.`] : []),
      `Elles attendent la décision ${committees}.`,
    ],
    action: { label: 'Ouvrir la file de relecture', url: `${appUrl}/relecture` },
    after: ['Vous recevez ce message parce que vous êtes membre d’un comité de relecture. Vous pouvez le désactiver dans vos préférences de notification.'],
  });
}

/**
 * Several submissions at once (an import): one message per member, listing those they may review,
 * rather than hundreds; the members are read once whatever the number of trainings.
 */
export async function notifySubmissions(ctx: Context, manager: EntityManager, submissions: SubmissionFacts[]): Promise<void> {
  if (submissions.length <= 1) {
    if (submissions.length === 1) await notifySubmission(ctx, manager, submissions[0]);
    return;
  }
  const reviewers = await reviewersToNotify(ctx, manager);
  const mails = reviewers.flatMap(reviewer => {
    const theirs = submissions.filter(facts => mayReviewTrainingOf(reviewer.grants, facts.training.partnerId));
    if (theirs.length === 0) return [];
    const user = { ...reviewer, committees: committeesOf(reviewer.grants) };
    return [theirs.length === 1 ? submissionMail(ctx.appUrl, user, theirs[0]) : submissionsMail(ctx.appUrl, user, theirs)];
  });
  await queueMail(ctx, manager, mails);
}
