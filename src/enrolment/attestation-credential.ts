import { createPublicKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ATTESTATION_ALGORITHM, type AttestationKeys } from './attestation-keys';

export interface AttestationFacts {
  id: string;
  holderName: string;
  trainingId: string;
  trainingTitle: string;
  trainingSummary: string;
  partnerSlug: string;
  partnerName: string;
  durationMinutes: number | null;
  completedAt: Date;
  issuedAt: Date;
}

/** What an attestation row states, to be found in its credential. */
export type StatedFacts = Pick<AttestationFacts, 'id' | 'holderName' | 'trainingTitle' | 'partnerName' | 'durationMinutes' | 'issuedAt'>;

/** Verifiable Credentials 2.0 with the Open Badges 3.0 context, as OB 3.0 credentials are written. */
const CONTEXT = ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'];

function duration(minutes: number | null): string {
  if (minutes === null) return '';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return ` (durée : ${hours > 0 ? `${hours} h` : ''}${rest > 0 ? `${hours > 0 ? ' ' : ''}${rest} min` : ''})`;
}

function criteria(facts: Pick<AttestationFacts, 'durationMinutes' | 'partnerName'>): string {
  return `Formation suivie jusqu’à son terme${duration(facts.durationMinutes)}, attestée par ${facts.partnerName}.`;
}

interface OpenBadgeCredential {
  id: string;
  validFrom: string;
  credentialSubject: {
    identifier: { identityHash: string }[];
    achievement: { name: string; criteria: { narrative: string }; creator: { name: string } };
  };
}

/**
 * The attestation as an Open Badges 3.0 `OpenBadgeCredential`, serialised as OB 3.0 §8.2 describes
 * VC-JWT: the credential is the payload itself, with `iss`, `jti` and `nbf` (its validFrom)
 * repeating its issuer, id and date; signed ES256 with the key whose `kid` the JWKS publishes.
 */
export function signCredential(keys: AttestationKeys, issuerUrl: string, facts: AttestationFacts): string {
  const id = `urn:uuid:${facts.id}`;
  const credential = {
    '@context': CONTEXT,
    id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: issuerUrl, type: ['Profile'], name: 'Mentor, plateforme interministérielle de formation' },
    validFrom: facts.issuedAt.toISOString(),
    name: `Attestation de formation : ${facts.trainingTitle}`,
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [{ type: 'IdentityObject', identityType: 'name', identityHash: facts.holderName, hashed: false }],
      activityEndDate: facts.completedAt.toISOString(),
      achievement: {
        id: `urn:mentor:training:${facts.trainingId}`,
        type: ['Achievement'],
        achievementType: 'Course',
        name: facts.trainingTitle,
        description: facts.trainingSummary,
        criteria: { narrative: criteria(facts) },
        creator: { id: `urn:mentor:partner:${facts.partnerSlug}`, type: ['Profile'], name: facts.partnerName },
      },
    },
  };
  const claims = { ...credential, nbf: Math.floor(facts.issuedAt.getTime() / 1000) };
  return jwt.sign(claims, keys.signing.privateKey, { algorithm: ATTESTATION_ALGORITHM, keyid: keys.signing.kid, issuer: issuerUrl, jwtid: id, noTimestamp: true });
}

/** The credential's claims when its signature verifies with one of our published keys; null otherwise. */
function verifiedClaims(keys: AttestationKeys, credential: string): OpenBadgeCredential | null {
  const kid = jwt.decode(credential, { complete: true })?.header.kid;
  const jwk = keys.jwks.keys.find(key => key.kid === kid);
  if (!jwk) return null;
  try {
    const payload = jwt.verify(credential, createPublicKey({ key: jwk, format: 'jwk' }), { algorithms: [ATTESTATION_ALGORITHM] });
    return typeof payload === 'object' ? (payload as unknown as OpenBadgeCredential) : null;
  } catch {
    return null;
  }
}

/** Whether the credential verifies and states exactly what the attestation's row says. */
export function credentialStates(keys: AttestationKeys, credential: string, facts: StatedFacts): boolean {
  const claims = verifiedClaims(keys, credential);
  const achievement = claims?.credentialSubject?.achievement;
  return (
    claims !== null &&
    claims.id === `urn:uuid:${facts.id}` &&
    claims.validFrom === facts.issuedAt.toISOString() &&
    claims.credentialSubject.identifier?.[0]?.identityHash === facts.holderName &&
    achievement?.name === facts.trainingTitle &&
    achievement.creator?.name === facts.partnerName &&
    achievement.criteria?.narrative === criteria(facts)
  );
}
