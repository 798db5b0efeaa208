import { createPublicKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ATTESTATION_ALGORITHM, type AttestationKeys } from './attestation-keys';

export interface AttestationFacts {
  id: string;
  code: string;
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

const OPEN_BADGES_CONTEXT = ['https://www.w3.org/2018/credentials/v1', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'];

function duration(minutes: number | null): string {
  if (minutes === null) return '';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return ` (durée : ${hours > 0 ? `${hours} h` : ''}${rest > 0 ? `${hours > 0 ? ' ' : ''}${rest} min` : ''})`;
}

/**
 * The attestation as an Open Badges 3.0 `OpenBadgeCredential`, in the VC-JWT form OB 3.0 describes
 * (the credential in the `vc` claim; `iss`, `jti` and `nbf` repeat its issuer, id and date),
 * signed ES256 with the key whose `kid` the JWKS publishes.
 */
export function signCredential(keys: AttestationKeys, issuerUrl: string, facts: AttestationFacts): string {
  const id = `urn:uuid:${facts.id}`;
  const credential = {
    '@context': OPEN_BADGES_CONTEXT,
    id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: issuerUrl, type: ['Profile'], name: 'Mentor, plateforme interministérielle de formation' },
    issuanceDate: facts.issuedAt.toISOString(),
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
        criteria: { narrative: `Formation suivie jusqu’à son terme${duration(facts.durationMinutes)}, attestée par ${facts.partnerName}.` },
        creator: { id: `urn:mentor:partner:${facts.partnerSlug}`, type: ['Profile'], name: facts.partnerName },
      },
    },
  };
  const issuedAt = Math.floor(facts.issuedAt.getTime() / 1000);
  const claims = { vc: credential, iat: issuedAt, nbf: issuedAt, code: facts.code, durationMinutes: facts.durationMinutes };
  return jwt.sign(claims, keys.signing.privateKey, {
    algorithm: ATTESTATION_ALGORITHM,
    keyid: keys.signing.kid,
    issuer: issuerUrl,
    jwtid: id,
  });
}

/** The credential's claims when its signature verifies with one of our published keys; null otherwise. */
export function verifyCredential(keys: AttestationKeys, credential: string): jwt.JwtPayload | null {
  const kid = jwt.decode(credential, { complete: true })?.header.kid;
  const jwk = keys.jwks.keys.find(key => key.kid === kid);
  if (!jwk) return null;
  try {
    const payload = jwt.verify(credential, createPublicKey({ key: jwk, format: 'jwk' }), { algorithms: [ATTESTATION_ALGORITHM] });
    return typeof payload === 'object' ? payload : null;
  } catch {
    return null;
  }
}
