import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';

const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('configuration was accepted');
};

test('defaults: port 4000, embedded database in ./.data with demo data, info logs', () => {
  const config = loadConfig({});
  expect(config).toMatchObject({
    nodeEnv: 'development',
    port: 4000,
    databaseUrl: null,
    dataDir: path.resolve('.data'),
    demoData: true,
    jwtSecret: null,
    admin: null,
    logLevel: 'info',
    passwordHashing: 'standard',
  });
  expect(Object.isFrozen(config)).toBe(true);
  expect(loadConfig({ NODE_ENV: 'test', PASSWORD_HASHING: 'fast' }).passwordHashing).toBe('fast');
});

test('a real database turns demo data off unless asked for', () => {
  const url = 'postgres://app:secret@db.example:5432/mentor';
  expect(loadConfig({ DATABASE_URL: url })).toMatchObject({ databaseUrl: url, demoData: false });
  expect(loadConfig({ DATABASE_URL: url, DEMO_DATA: 'true' }).demoData).toBe(true);
  expect(loadConfig({ DEMO_DATA: 'off' }).demoData).toBe(false);
});

test.each([
  [{ PORT: 'abc' }, /^Invalid configuration: PORT must be an integer/],
  [{ PORT: '70000' }, /PORT/],
  [{ PORT: '-1' }, /PORT/],
  [{ DATABASE_URL: 'not a url' }, /^Invalid configuration: DATABASE_URL is not a URL/],
  [{ DATABASE_URL: 'mysql://root@localhost/mentor' }, /DATABASE_URL must use the postgres:\/\/ scheme/],
  [{ DATABASE_URL: 'postgres://localhost' }, /DATABASE_URL must name a host and a database/],
  [{ DEMO_DATA: 'maybe' }, /DEMO_DATA must be true or false/],
  [{ NODE_ENV: 'staging' }, /NODE_ENV/],
  [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
  [{ JWT_SECRET: 'short' }, /JWT_SECRET must be at least 32 characters/],
  [{ ADMIN_EMAIL: 'admin@mentor.gouv.fr' }, /ADMIN_PASSWORD must be set/],
  [{ ADMIN_PASSWORD: 'x'.repeat(20) }, /ADMIN_EMAIL must be set/],
  [{ ADMIN_EMAIL: 'nope', ADMIN_PASSWORD: 'x'.repeat(20) }, /ADMIN_EMAIL is not an e-mail address/],
  [{ PASSWORD_HASHING: 'md5' }, /PASSWORD_HASHING must be standard or fast/],
  [{ PASSWORD_HASHING: 'fast' }, /PASSWORD_HASHING fast is for test suites only/],
  [{ PASSWORD_HASHING: 'fast', NODE_ENV: 'development' }, /PASSWORD_HASHING fast is for test suites only/],
])('refuses %p with one line naming the variable', (env, message) => {
  const text = refusal(env);
  expect(text).toMatch(message);
  expect(text).not.toContain('\n');
});

test('production refuses to start without real secrets and a DATABASE_URL', () => {
  const secret = 'a'.repeat(40);
  expect(refusal({ NODE_ENV: 'production', JWT_SECRET: secret })).toMatch(/DATABASE_URL is required when NODE_ENV=production/);
  expect(refusal({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/mentor' })).toMatch(/JWT_SECRET is required/);
  expect(refusal({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/mentor', JWT_SECRET: secret })).toMatch(/ATTESTATION_SIGNING_KEY is required/);
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/mentor', JWT_SECRET: secret, ATTESTATION_SIGNING_KEY: key };
  // Attestations name their issuer for ever: production must say where it really is, over https.
  expect(refusal(production)).toMatch(/PUBLIC_URL is required when NODE_ENV=production/);
  expect(refusal({ ...production, PUBLIC_URL: 'http://mentor.gouv.fr' })).toMatch(/PUBLIC_URL must be an https URL/);
  expect(loadConfig({ ...production, PUBLIC_URL: 'https://mentor.gouv.fr' })).toMatchObject({
    nodeEnv: 'production',
    demoData: false,
    attestationSigningKey: key.trim(),
    publicUrl: 'https://mentor.gouv.fr',
  });
});

test('attestation keys: P-256 only; retired public keys and the public URL are checked', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  expect(refusal({ ATTESTATION_SIGNING_KEY: rsa })).toMatch(/ATTESTATION_SIGNING_KEY must be a PEM private key on curve P-256/);
  expect(refusal({ ATTESTATION_SIGNING_KEY: 'not a key' })).toMatch(/ATTESTATION_SIGNING_KEY/);
  expect(refusal({ ATTESTATION_RETIRED_PUBLIC_KEYS: 'nothing' })).toMatch(/ATTESTATION_RETIRED_PUBLIC_KEYS must hold PEM public keys/);
  const retired = [1, 2].map(() => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString());
  expect(loadConfig({ ATTESTATION_RETIRED_PUBLIC_KEYS: retired.join('') }).attestationRetiredKeys).toEqual(retired.map(pem => pem.trim()));
  expect(refusal({ PUBLIC_URL: 'ftp://mentor' })).toMatch(/PUBLIC_URL must be an http\(s\) URL/);
  expect(loadConfig({ PUBLIC_URL: 'https://mentor.gouv.fr/' }).publicUrl).toBe('https://mentor.gouv.fr');
  expect(loadConfig({ PORT: '4321' }).publicUrl).toBe('http://localhost:4321');
});

test('admin e-mail is normalised to lower case', () => {
  expect(loadConfig({ ADMIN_EMAIL: 'Admin@Mentor.Gouv.fr', ADMIN_PASSWORD: 'p'.repeat(16) }).admin).toEqual({
    email: 'admin@mentor.gouv.fr',
    password: 'p'.repeat(16),
  });
});

test('errors are shown as they are only in development asked for, or on the embedded database', () => {
  const url = 'postgres://postgres@127.0.0.1:5432/mentor';
  expect(loadConfig({}).revealErrors).toBe(true); // embedded, for a newcomer
  expect(loadConfig({ DATABASE_URL: url }).revealErrors).toBe(false); // a deployment that forgot NODE_ENV
  expect(loadConfig({ DATABASE_URL: url, NODE_ENV: 'development' }).revealErrors).toBe(true);
  expect(loadConfig({ DATABASE_URL: url, NODE_ENV: 'test' }).revealErrors).toBe(false);
});

test('the budget of secret checks and the trusted proxies are whole numbers', () => {
  expect(loadConfig({})).toMatchObject({ authRateLimitPerMinute: 120, trustProxy: 0 });
  expect(loadConfig({ AUTH_RATE_LIMIT_PER_MINUTE: '10', TRUST_PROXY: '1' })).toMatchObject({ authRateLimitPerMinute: 10, trustProxy: 1 });
  expect(() => loadConfig({ AUTH_RATE_LIMIT_PER_MINUTE: '0' })).toThrow('Invalid configuration: AUTH_RATE_LIMIT_PER_MINUTE must be a whole number of at least 1 (got "0")');
  expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow('Invalid configuration: TRUST_PROXY must be a whole number of at least 0 (got "yes")');
});
