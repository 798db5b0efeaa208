import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { User } from '../accounts/user.entity';
import { forbidden } from '../auth/auth-checker';
import { Partner } from '../catalogue/partner.entity';
import type { Training } from '../catalogue/training.entity';
import type { Context } from '../context';
import { DomainError } from '../graphql/errors';
import { queueMail } from '../mail/mail';
import { newAttestationCode } from './attestation-code';
import { attestationMail } from './enrolment-mails';
import { signCredential } from './attestation-credential';
import { Attestation } from './attestation.entity';
import { EnrolmentStatus } from './enrolment.enums';
import { Enrolment } from './enrolment.entity';
import { mayCompleteEnrolment, mayReadEnrolment, type EnrolmentParties } from './enrolment-rights';
import { emailNotVerified, lockEnrolment } from './enrolment.service';

/** The attestation of a completion: the facts as they stand now, signed. */
async function issueAttestation(ctx: Context, manager: EntityManager, enrolment: Enrolment, holder: User, training: Training, completedAt: Date): Promise<Attestation> {
  const partner = await manager.findOneByOrFail(Partner, { id: training.partnerId });
  const id = randomUUID();
  const code = newAttestationCode();
  const issuedAt = new Date();
  const credential = signCredential(ctx.attestationIssuer.keys, ctx.attestationIssuer.url, {
    id,
    holderName: holder.displayName,
    trainingId: training.id,
    trainingTitle: training.title,
    trainingSummary: training.summary,
    partnerSlug: partner.slug,
    partnerName: partner.name,
    durationMinutes: training.durationMinutes,
    completedAt,
    issuedAt,
  });
  const attestation = manager.create(Attestation, {
    id,
    enrolmentId: enrolment.id,
    userId: holder.id,
    code,
    holderName: holder.displayName,
    trainingTitle: training.title,
    partnerName: partner.name,
    durationMinutes: training.durationMinutes,
    issuedAt,
    credential,
  });
  await manager.save(attestation);
  await queueMail(ctx, manager, [attestationMail(ctx.appUrl, holder, attestation)]);
  return attestation;
}

/**
 * A confirmed enrolment completed, by the training's editors or admins, or by an API client of
 * its partner: exactly one attestation is issued (the enrolment is locked; the database also
 * refuses a second attestation for one enrolment).
 */
export async function completeEnrolment(ctx: Context, globalId: string): Promise<{ enrolment: Enrolment }> {
  const grants = await ctx.grants();
  return ctx.db.transaction(async manager => {
    const readable = (parties: EnrolmentParties) => mayReadEnrolment(ctx.viewer, grants, parties) || mayCompleteEnrolment(ctx.viewer, grants, parties);
    const { enrolment, session, training, owner, parties } = await lockEnrolment(manager, globalId, readable);
    if (!mayCompleteEnrolment(ctx.viewer, grants, parties)) throw forbidden();
    if (enrolment.status !== EnrolmentStatus.CONFIRMED) {
      const state = { WAITLISTED: 'en liste d’attente', CANCELLED: 'annulée', COMPLETED: 'déjà terminée' }[enrolment.status as string] ?? enrolment.status;
      throw new DomainError('INVALID_TRANSITION', `Seule une inscription confirmée se termine ; celle-ci est ${state}.`);
    }
    // An attestation names its holder for good: only an account that proved its mailbox gets one
    // (a deleted account's enrolments are cancelled before they are anonymised: never confirmed).
    if (!owner?.emailVerified) throw emailNotVerified();
    const completedAt = new Date();
    if (completedAt < session.startsAt) throw new DomainError('INVALID_TRANSITION', 'La session n’a pas encore commencé : on ne peut pas encore la terminer.');
    await manager.update(Enrolment, { id: enrolment.id }, { status: EnrolmentStatus.COMPLETED, completedAt, waitlistPosition: null });
    await issueAttestation(ctx, manager, enrolment, owner, training, completedAt);
    return { enrolment: await manager.findOneByOrFail(Enrolment, { id: enrolment.id }) };
  });
}
