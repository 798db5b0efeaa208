import { createPrivateKey, createPublicKey } from 'node:crypto';
import path from 'node:path';

export type NodeEnv = 'development' | 'test' | 'production';

export interface Config {
  readonly nodeEnv: NodeEnv;
  /**
   * Whether clients see unexpected errors as they are (message, stack): only in development asked
   * for explicitly, or on the embedded database. A deployment that forgets NODE_ENV leaks nothing.
   */
  readonly revealErrors: boolean;
  readonly port: number;
  /** null: the embedded PostgreSQL (PGlite) stored in `dataDir`. */
  readonly databaseUrl: string | null;
  /** DATABASE_REPLICA_URLS: hot standbys of DATABASE_URL where reads that may lag go (see src/db/replica-reads.ts). */
  readonly databaseReplicaUrls: readonly string[];
  /** DATABASE_STATEMENT_TIMEOUT_MS: PostgreSQL's statement_timeout on every pooled connection, and the longest wait for one. */
  readonly databaseStatementTimeoutMs: number;
  readonly dataDir: string;
  readonly jwtSecret: string | null;
  /** PEM private key (P-256) signing attestations; null outside production: generated in DATA_DIR. */
  readonly attestationSigningKey: string | null;
  /** PEM public keys of retired signing keys, still published so that older attestations verify. */
  readonly attestationRetiredKeys: string[];
  /** Where the API is reached from outside; the issuer of attestations. */
  readonly publicUrl: string;
  readonly admin: { readonly email: string; readonly password: string } | null;
  readonly demoData: boolean;
  readonly logLevel: string;
  /** Redis shared by every API process for the response cache; null: each process keeps its own. */
  readonly redisUrl: string | null;
  /** Whether anonymous catalogue reads are answered from a cache. */
  readonly responseCache: boolean;
  /** Secret-checking operations (login, register, issueClientToken…) per client address and minute. */
  readonly authRateLimitPerMinute: number;
  /**
   * GraphQL requests' points per hour (RATE_LIMIT_*_POINTS_PER_HOUR): of a signed-in user, of an API
   * client, of an anonymous client address; 0 lifts that kind's limit (see src/http/rate-limit.ts).
   */
  readonly rateLimits: { readonly user: number; readonly client: number; readonly anonymous: number };
  /** How many proxies in front of the API append to X-Forwarded-For: 0 trusts none (the socket's address counts). */
  readonly trustProxy: number;
  /** The front end's origin: links in e-mails point there. */
  readonly appUrl: string;
  /** SMTP server (smtp:// or smtps://); null: e-mails stay in the outbox and are logged, not sent. */
  readonly mailUrl: string | null;
  readonly mailFrom: string;
  /** Largest personal file accepted (FILE_MAX_BYTES). */
  readonly fileMaxBytes: number;
  /** What a user's personal files may take altogether (FILE_QUOTA_BYTES). */
  readonly fileQuotaBytes: number;
  /**
   * PASSWORD_HASHING: `standard` (argon2id, 64 MiB, 3 passes), or `fast` (1 MiB, 1 pass) for test
   * suites that register hundreds of people; `fast` is refused unless NODE_ENV=test.
   */
  readonly passwordHashing: PasswordHashing;
  /** Whether `GET /graphql` from a browser serves GraphiQL (GRAPHIQL): on outside production, off in production unless asked for. */
  readonly graphiql: boolean;
  /** METRICS_TOKEN: `GET /metrics` then needs `Authorization: Bearer <token>`; null: open (restrict it in the network). */
  readonly metricsToken: string | null;
}

export type PasswordHashing = 'standard' | 'fast';

/** A bad environment: its message is the one line printed before the process exits. */
export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const MIN_SECRET_LENGTH = 32;

function present(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function parseNodeEnv(env: Env): NodeEnv {
  const value = present(env, 'NODE_ENV') ?? 'development';
  if (value !== 'development' && value !== 'test' && value !== 'production') {
    throw new ConfigError('NODE_ENV', `must be development, test or production (got "${value}")`);
  }
  return value;
}

function parsePort(env: Env): number {
  const value = present(env, 'PORT');
  if (value === undefined) return 4000;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 0 || port > 65535) {
    throw new ConfigError('PORT', `must be an integer between 0 and 65535 (got "${value}")`);
  }
  return port;
}

function parseDatabaseUrl(env: Env): string | null {
  const value = present(env, 'DATABASE_URL');
  if (value === undefined) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a URL (expected postgres://user:password@host:5432/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', `must use the postgres:// scheme (got "${url.protocol}")`);
  }
  if (!url.hostname || url.pathname.length <= 1) {
    throw new ConfigError('DATABASE_URL', 'must name a host and a database (postgres://user@host:5432/database)');
  }
  return value;
}

function parseReplicaUrls(env: Env, databaseUrl: string | null): string[] {
  const value = present(env, 'DATABASE_REPLICA_URLS');
  if (value === undefined) return [];
  if (databaseUrl === null) throw new ConfigError('DATABASE_REPLICA_URLS', 'needs DATABASE_URL (the primary they replicate)');
  return value.split(',').map(url => url.trim()).filter(url => url !== '').map(url => {
    try {
      return parseDatabaseUrl({ DATABASE_URL: url })!;
    } catch (error) {
      throw new ConfigError('DATABASE_REPLICA_URLS', (error as Error).message.replace(/^Invalid configuration: DATABASE_URL /, ''));
    }
  });
}

function parseBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = present(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(name, `must be true or false (got "${env[name]}")`);
}

function parseAdmin(env: Env): Config['admin'] {
  const email = present(env, 'ADMIN_EMAIL');
  const password = env.ADMIN_PASSWORD;
  if (email === undefined && !password) return null;
  if (email === undefined) throw new ConfigError('ADMIN_EMAIL', 'must be set when ADMIN_PASSWORD is');
  if (!password) throw new ConfigError('ADMIN_PASSWORD', 'must be set when ADMIN_EMAIL is');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new ConfigError('ADMIN_EMAIL', `is not an e-mail address (got "${email}")`);
  }
  return { email: email.toLowerCase(), password };
}

function parseJwtSecret(env: Env, nodeEnv: NodeEnv): string | null {
  const secret = present(env, 'JWT_SECRET');
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError('JWT_SECRET', `must be at least ${MIN_SECRET_LENGTH} characters long`);
  }
  if (secret === undefined && nodeEnv === 'production') {
    throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production');
  }
  return secret ?? null;
}

const PEM_BLOCK = /-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g;

function parseSigningKey(env: Env, nodeEnv: NodeEnv): string | null {
  const key = present(env, 'ATTESTATION_SIGNING_KEY');
  if (key !== undefined) {
    try {
      const parsed = createPrivateKey(key.replace(/\\n/g, '\n'));
      if (parsed.asymmetricKeyType !== 'ec' || parsed.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('not P-256');
      return key.replace(/\\n/g, '\n');
    } catch {
      throw new ConfigError('ATTESTATION_SIGNING_KEY', 'must be a PEM private key on curve P-256 (ES256)');
    }
  }
  if (nodeEnv === 'production') throw new ConfigError('ATTESTATION_SIGNING_KEY', 'is required when NODE_ENV=production');
  return null;
}

function parseRetiredKeys(env: Env): string[] {
  const value = present(env, 'ATTESTATION_RETIRED_PUBLIC_KEYS');
  if (value === undefined) return [];
  const keys = value.replace(/\\n/g, '\n').match(PEM_BLOCK) ?? [];
  try {
    for (const key of keys) createPublicKey(key);
  } catch {
    throw new ConfigError('ATTESTATION_RETIRED_PUBLIC_KEYS', 'must hold PEM public keys');
  }
  if (keys.length === 0) throw new ConfigError('ATTESTATION_RETIRED_PUBLIC_KEYS', 'must hold PEM public keys');
  return keys;
}

/** The issuer every attestation names for ever: in production, the real https origin. */
function parsePublicUrl(env: Env, nodeEnv: NodeEnv, port: number): string {
  const given = present(env, 'PUBLIC_URL');
  if (given === undefined && nodeEnv === 'production') throw new ConfigError('PUBLIC_URL', 'is required when NODE_ENV=production');
  const value = given ?? `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('PUBLIC_URL', `must be an http(s) URL (got "${value}")`);
  }
  if (url.protocol !== 'https:' && (nodeEnv === 'production' || url.protocol !== 'http:')) {
    throw new ConfigError('PUBLIC_URL', `must be an ${nodeEnv === 'production' ? 'https' : 'http(s)'} URL (got "${value}")`);
  }
  return url.href.replace(/\/$/, '');
}

function parseLogLevel(env: Env, nodeEnv: NodeEnv): string {
  const value = present(env, 'LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info');
  if (!LOG_LEVELS.includes(value)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${value}")`);
  }
  return value;
}

function parseCount(env: Env, name: string, fallback: number, min: number): number {
  const value = present(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new ConfigError(name, `must be a whole number of at least ${min} (got "${value}")`);
  return Number(value);
}

function parseRedisUrl(env: Env): string | null {
  const value = present(env, 'REDIS_URL');
  if (value === undefined) return null;
  if (!/^rediss?:\/\/[^/]/.test(value)) throw new ConfigError('REDIS_URL', `must be a redis:// or rediss:// URL (got "${value}")`);
  return value;
}

function parseAppUrl(env: Env): string {
  const value = present(env, 'APP_URL') ?? 'http://localhost:3000';
  if (!/^https?:\/\/[^/]+/.test(value) || !URL.canParse(value)) throw new ConfigError('APP_URL', `must be an http(s) URL (got "${value}")`);
  return value.replace(/\/$/, '');
}

function parseMailUrl(env: Env): string | null {
  const value = present(env, 'MAIL_URL');
  if (value === undefined) return null;
  if (!/^smtps?:\/\/[^/]/.test(value) || !URL.canParse(value)) {
    throw new ConfigError('MAIL_URL', 'must be an smtp:// or smtps:// URL (smtp://user:password@host:587)');
  }
  return value;
}

function parseMailFrom(env: Env): string {
  const value = present(env, 'MAIL_FROM') ?? 'Mentor <ne-pas-repondre@mentor.localhost>';
  if (!/^([^<>@\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(value)) {
    throw new ConfigError('MAIL_FROM', `must be an address, or a name and <address> (got "${value}")`);
  }
  return value;
}

/** Sizes fit GraphQL's Int (32-bit), in which `User.storage` reports them. */
const MAX_FILE_BYTES_SETTING = 2 ** 31 - 1;

function parseBytes(env: Env, name: string, fallback: number): number {
  const bytes = parseCount(env, name, fallback, 1);
  if (bytes > MAX_FILE_BYTES_SETTING) throw new ConfigError(name, `must be at most ${MAX_FILE_BYTES_SETTING} bytes (got "${bytes}")`);
  return bytes;
}

function parsePasswordHashing(env: Env, nodeEnv: NodeEnv): PasswordHashing {
  const value = present(env, 'PASSWORD_HASHING') ?? 'standard';
  if (value !== 'standard' && value !== 'fast') throw new ConfigError('PASSWORD_HASHING', `must be standard or fast (got "${value}")`);
  if (value === 'fast' && nodeEnv !== 'test') throw new ConfigError('PASSWORD_HASHING', 'fast is for test suites only (NODE_ENV=test)');
  return value;
}

function parseMetricsToken(env: Env): string | null {
  const value = present(env, 'METRICS_TOKEN');
  if (value === undefined) return null;
  // Sent in a header by the scraper: printable ASCII, long enough not to be guessed.
  if (!/^[\x21-\x7e]{16,}$/.test(value)) throw new ConfigError('METRICS_TOKEN', 'must be at least 16 printable ASCII characters without spaces');
  return value;
}

/** Parses and validates the environment once; the result is frozen. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = parseNodeEnv(env);
  const databaseUrl = parseDatabaseUrl(env);
  if (nodeEnv === 'production' && databaseUrl === null) {
    throw new ConfigError('DATABASE_URL', 'is required when NODE_ENV=production (the embedded database is for development)');
  }
  const port = parsePort(env);
  return Object.freeze({
    nodeEnv,
    revealErrors: nodeEnv === 'development' && (present(env, 'NODE_ENV') !== undefined || databaseUrl === null),
    port,
    databaseUrl,
    databaseReplicaUrls: parseReplicaUrls(env, databaseUrl),
    databaseStatementTimeoutMs: parseCount(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 10_000, 100),
    dataDir: path.resolve(present(env, 'DATA_DIR') ?? '.data'),
    jwtSecret: parseJwtSecret(env, nodeEnv),
    attestationSigningKey: parseSigningKey(env, nodeEnv),
    attestationRetiredKeys: parseRetiredKeys(env),
    publicUrl: parsePublicUrl(env, nodeEnv, port),
    admin: parseAdmin(env),
    demoData: parseBoolean(env, 'DEMO_DATA', databaseUrl === null),
    logLevel: parseLogLevel(env, nodeEnv),
    redisUrl: parseRedisUrl(env),
    responseCache: parseBoolean(env, 'RESPONSE_CACHE', true),
    authRateLimitPerMinute: parseCount(env, 'AUTH_RATE_LIMIT_PER_MINUTE', 120, 1),
    rateLimits: Object.freeze({
      user: parseCount(env, 'RATE_LIMIT_USER_POINTS_PER_HOUR', 5000, 0),
      client: parseCount(env, 'RATE_LIMIT_CLIENT_POINTS_PER_HOUR', 5000, 0),
      anonymous: parseCount(env, 'RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR', 1000, 0),
    }),
    trustProxy: parseCount(env, 'TRUST_PROXY', 0, 0),
    appUrl: parseAppUrl(env),
    mailUrl: parseMailUrl(env),
    mailFrom: parseMailFrom(env),
    fileMaxBytes: parseBytes(env, 'FILE_MAX_BYTES', 25 * 1024 * 1024),
    fileQuotaBytes: parseBytes(env, 'FILE_QUOTA_BYTES', 100 * 1024 * 1024),
    passwordHashing: parsePasswordHashing(env, nodeEnv),
    graphiql: parseBoolean(env, 'GRAPHIQL', nodeEnv !== 'production'),
    metricsToken: parseMetricsToken(env),
  });
}
