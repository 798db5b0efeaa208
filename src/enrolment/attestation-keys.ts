import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config';

/** ES256 (ECDSA on P-256): supported by every JOSE library, and by jsonwebtoken which we already use. */
export const ATTESTATION_ALGORITHM = 'ES256';

export interface PublicJwk extends JsonWebKey {
  kid: string;
  alg: typeof ATTESTATION_ALGORITHM;
  use: 'sig';
}

export interface AttestationKeys {
  /** Signs new attestations. */
  signing: { kid: string; privateKey: KeyObject };
  /** Every key whose signatures still verify: the signing key first, then retired ones (rotation). */
  jwks: { keys: PublicJwk[] };
}

/** RFC 7638 thumbprint: the same key always gets the same `kid`, whoever computes it. */
function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

function publicJwk(key: KeyObject): PublicJwk {
  const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' });
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid: thumbprint(jwk), alg: ATTESTATION_ALGORITHM, use: 'sig' };
}

/** Outside production the key is generated on first start and kept in DATA_DIR (like the JWT secret). */
async function developmentKey(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'attestation-signing-key.pem');
  try {
    return await readFile(file, 'utf8');
  } catch {
    await mkdir(dataDir, { recursive: true });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    // Two processes starting at once: the first file written wins, both read it back.
    await writeFile(file, pem, { mode: 0o600, flag: 'wx' }).catch(() => undefined);
    return readFile(file, 'utf8');
  }
}

export async function resolveAttestationKeys(config: Config): Promise<AttestationKeys> {
  const privateKey = createPrivateKey(config.attestationSigningKey ?? (await developmentKey(config.dataDir)));
  const current = publicJwk(privateKey);
  const retired = config.attestationRetiredKeys.map(pem => publicJwk(createPublicKey(pem))).filter(jwk => jwk.kid !== current.kid);
  return { signing: { kid: current.kid, privateKey }, jwks: { keys: [current, ...retired] } };
}
