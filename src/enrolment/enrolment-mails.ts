import type { EntityManager } from 'typeorm';
import type { Context } from '../context';
import { composeMail, queueMail, type Mail, type MessageContent } from '../mail/mail';

/** What an enrolment's e-mail says: the person, the training, the session. */
export interface EnrolmentFacts {
  email: string;
  displayName: string;
  title: string;
  slug: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  waitlistPosition: number | null;
}

export type EnrolmentNotice = 'CONFIRMED' | 'WAITLISTED' | 'PROMOTED' | 'SESSION_CANCELLED' | 'SESSION_CHANGED';

const PARIS_TIME = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Paris' });

/** Stands for the place in line in a message composed before the enrolment exists (see `takePlace`). */
export const POSITION_PLACEHOLDER = '__RANG_DANS_LA_FILE__';

function sessionLines(facts: Pick<EnrolmentFacts, 'startsAt' | 'endsAt' | 'location'>): string[] {
  return [`Session : du ${PARIS_TIME.format(facts.startsAt)} au ${PARIS_TIME.format(facts.endsAt)}${facts.location ? `, ${facts.location}` : ', à distance'}.`];
}

const NOTICES: Record<EnrolmentNotice, (facts: EnrolmentFacts) => Pick<MessageContent, 'subject' | 'paragraphs'>> = {
  CONFIRMED: facts => ({
    subject: `Inscription confirmée : ${facts.title}`,
    paragraphs: [`Votre inscription à la formation « ${facts.title} » est confirmée.`, ...sessionLines(facts)],
  }),
  WAITLISTED: facts => ({
    subject: `Liste d’attente : ${facts.title}`,
    paragraphs: [
      `La session de la formation « ${facts.title} » est complète : vous êtes inscrit en liste d’attente, au rang ${facts.waitlistPosition ?? POSITION_PLACEHOLDER}.`,
      'Si une place se libère, elle vous est attribuée dans l’ordre d’arrivée et vous recevez un message.',
      ...sessionLines(facts),
    ],
  }),
  PROMOTED: facts => ({
    subject: `Une place s’est libérée : ${facts.title}`,
    paragraphs: [`Une place s’est libérée : votre inscription à la formation « ${facts.title} » est maintenant confirmée.`, ...sessionLines(facts)],
  }),
  SESSION_CANCELLED: facts => ({
    subject: `Session annulée : ${facts.title}`,
    paragraphs: [
      `La session de la formation « ${facts.title} » à laquelle vous étiez inscrit est annulée ; votre inscription l’est aussi.`,
      ...sessionLines(facts),
      'D’autres sessions sont peut-être proposées : consultez la fiche de la formation.',
    ],
  }),
  SESSION_CHANGED: facts => ({
    subject: `Session modifiée : ${facts.title}`,
    paragraphs: [`Les dates ou le lieu de la session de la formation « ${facts.title} » ont changé. Voici ce qui vaut désormais :`, ...sessionLines(facts)],
  }),
};

export function enrolmentMail(appUrl: string, notice: EnrolmentNotice, facts: EnrolmentFacts): Mail {
  return composeMail(facts.email, {
    ...NOTICES[notice](facts),
    greeting: `Bonjour ${facts.displayName},`,
    action: { label: 'Voir la formation', url: `${appUrl}/formations/${encodeURIComponent(facts.slug)}` },
  });
}

/** The facts of these enrolments, in one statement. */
async function factsOf(manager: EntityManager, enrolmentIds: readonly string[]): Promise<EnrolmentFacts[]> {
  const rows: Record<string, unknown>[] = await manager.query(
    `SELECT u.email, u.display_name, t.title, t.slug, s.starts_at, s.ends_at, s.location, e.waitlist_position
     FROM enrolment e JOIN user_account u ON u.id = e.user_id JOIN training_session s ON s.id = e.session_id JOIN training t ON t.id = s.training_id
     WHERE e.id = ANY($1::uuid[]) ORDER BY e.id`,
    [enrolmentIds],
  );
  return rows.map(row => ({
    email: row.email as string,
    displayName: row.display_name as string,
    title: row.title as string,
    slug: row.slug as string,
    startsAt: row.starts_at as Date,
    endsAt: row.ends_at as Date,
    location: row.location as string | null,
    waitlistPosition: row.waitlist_position as number | null,
  }));
}

/** Queues one notice per enrolment, in the caller's transaction. */
export async function notifyEnrolments(ctx: Context, manager: EntityManager, notice: EnrolmentNotice, enrolmentIds: readonly string[]): Promise<void> {
  if (enrolmentIds.length === 0) return;
  await queueMail(ctx, manager, (await factsOf(manager, enrolmentIds)).map(facts => enrolmentMail(ctx.appUrl, notice, facts)));
}

/** To the holder of a new attestation: its code, which anyone may verify. */
export function attestationMail(appUrl: string, holder: { email: string; displayName: string }, attestation: { code: string; trainingTitle: string }): Mail {
  return composeMail(holder.email, {
    subject: `Votre attestation : ${attestation.trainingTitle}`,
    greeting: `Bonjour ${holder.displayName},`,
    paragraphs: [
      `Vous avez terminé la formation « ${attestation.trainingTitle} » : votre attestation de formation est délivrée.`,
      `Son code de vérification est ${attestation.code}. Toute personne qui le connaît (votre service des ressources humaines, par exemple) peut vérifier l’attestation.`,
    ],
    action: { label: 'Voir l’attestation', url: `${appUrl}/attestations/${encodeURIComponent(attestation.code)}` },
  });
}
