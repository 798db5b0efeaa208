import type { Context } from '../context';
import { normaliseAttestationCode } from './attestation-code';
import { credentialStates } from './attestation-credential';
import { Attestation } from './attestation.entity';
import { AttestationVerification } from './enrolment.types';
import { findReadableEnrolment } from './enrolment-queries';

const INVALID = Object.assign(new AttestationVerification(), { valid: false, attestation: null });

/**
 * Public: an attestation is valid when its code is known and its stored credential still verifies
 * with one of our keys and states what the attestation says (an altered row or credential is not
 * valid) and it is not revoked (its holder deleted the account and asked so). Anything else
 * answers `valid: false` and nothing more.
 */
export async function verifyAttestation(ctx: Context, typed: string): Promise<AttestationVerification> {
  const code = normaliseAttestationCode(typed);
  const attestation = code ? await ctx.db.getRepository(Attestation).findOneBy({ code }) : null;
  if (!attestation || attestation.revokedAt) return INVALID;
  if (!credentialStates(ctx.attestationIssuer.keys, attestation.credential, attestation)) return INVALID;
  return Object.assign(new AttestationVerification(), { valid: true, attestation });
}

/** The signed-in user's attestations, newest first. */
export function myAttestations(ctx: Context): Promise<Attestation[]> {
  return ctx.db.getRepository(Attestation).find({ where: { userId: ctx.viewer.userId! }, order: { issuedAt: 'DESC', id: 'DESC' } });
}

/**
 * `node(id)` for an attestation: whoever may read its enrolment (anyone else checks it by its
 * code); nobody once its holder's account is deleted (it names the holder).
 */
export async function findReadableAttestation(ctx: Context, id: string): Promise<Attestation | null> {
  const attestation = await ctx.db.getRepository(Attestation).findOneBy({ id });
  if (!attestation || attestation.userId === null) return null;
  return (await findReadableEnrolment(ctx, attestation.enrolmentId)) ? attestation : null;
}
