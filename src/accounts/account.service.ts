import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { hashPassword, verifyPassword } from '../auth/passwords';
import { ACCESS_TOKEN_SECONDS, hashRefreshToken, newRefreshToken, REFRESH_TOKEN_DAYS, signAccessToken } from '../auth/tokens';
import { Partner } from '../catalogue/partner.entity';
import type { Context } from '../context';
import { ConfigError } from '../config';
import { DomainError } from '../graphql/errors';
import { validateInput } from '../graphql/validation';
import { ProfileChanges, RegisterInput } from './account.inputs';
import { grantsOf } from './role.service';
import { RefreshToken } from './refresh-token.entity';
import { throttledAttempt } from './attempt-throttle';
import { spendAuthBudget } from './auth-budget';
import { User } from './user.entity';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: User;
}

const invalidCredentials = () => new DomainError('INVALID_CREDENTIALS', 'Adresse e-mail ou mot de passe incorrect.');
const invalidToken = () => new DomainError('INVALID_TOKEN', 'Jeton de rafraîchissement invalide ou expiré : reconnectez-vous.', ['refreshToken']);

function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The partner whose e-mail domains include this address's domain (sub-domains included). */
async function employerOf(manager: EntityManager, email: string): Promise<Partner | null> {
  const domain = email.split('@')[1];
  const partners = await manager.find(Partner);
  return partners.find(partner => partner.emailDomains.some(owned => domain === owned || domain.endsWith(`.${owned}`))) ?? null;
}

/**
 * A new access token and refresh token. A refresh token family lives 30 days from sign-in: a
 * rotation passes the family's end on (`familyEnds`), it never extends it.
 */
async function openSession(ctx: Context, manager: EntityManager, user: User, familyId: string = randomUUID(), familyEnds?: Date): Promise<Session> {
  const refresh = newRefreshToken();
  await manager.insert(RefreshToken, {
    userId: user.id,
    familyId,
    tokenHash: refresh.hash,
    expiresAt: familyEnds ?? new Date(Date.now() + REFRESH_TOKEN_DAYS * DAY_MS),
    revokedAt: null,
  });
  return {
    accessToken: signAccessToken(ctx.jwtSecret, user.id, await grantsOf(manager, user.id)),
    refreshToken: refresh.token,
    expiresIn: ACCESS_TOKEN_SECONDS,
    user,
  };
}

export async function updateProfile(ctx: Context, userId: string, input: ProfileChanges): Promise<{ user: User }> {
  await validateInput(Object.assign(new ProfileChanges(), input), []);
  return ctx.db.transaction(async manager => {
    await manager.update(User, { id: userId }, {
      ...(input.displayName != null && { displayName: input.displayName.trim() }),
      ...(input.category !== undefined && { category: input.category }),
      ...(input.functions != null && { functions: input.functions.map(entry => entry.trim().toLowerCase()) }),
    });
    return { user: await manager.findOneByOrFail(User, { id: userId }) };
  });
}

/** ADMIN_EMAIL / ADMIN_PASSWORD: make sure this account exists and is an admin (idempotent, at start). */
export async function ensureAdmin(manager: EntityManager, admin: { email: string; password: string }): Promise<void> {
  const email = normaliseEmail(admin.email);
  let user = await manager.getRepository(User).createQueryBuilder('u').addSelect('u.passwordHash').where('u.email = :email', { email }).getOne();
  // Whoever registered the address first must not become admin: an existing account is promoted
  // only when ADMIN_PASSWORD is its password.
  if (user && !(await verifyPassword(user.passwordHash, admin.password))) {
    throw new ConfigError('ADMIN_PASSWORD', `does not open the existing account ${email}: it is not promoted (sign in and change the password, or choose another ADMIN_EMAIL)`);
  }
  if (!user) {
    const employer = await employerOf(manager, email);
    await manager
      .createQueryBuilder()
      .insert()
      .into(User)
      .values({ email, passwordHash: await hashPassword(admin.password), displayName: 'Administrateur', employerId: employer?.id ?? null })
      .orIgnore()
      .execute();
    user = await manager.findOneByOrFail(User, { email });
  }
  await manager.query(
    `INSERT INTO role_grant (user_id, role, partner_id) VALUES ($1, 'ADMIN', NULL) ON CONFLICT DO NOTHING`,
    [user.id],
  );
}

export async function register(ctx: Context, input: RegisterInput): Promise<Session> {
  await spendAuthBudget(ctx);
  const email = normaliseEmail(input.email);
  await validateInput(Object.assign(new RegisterInput(), input, { email }), ['input']);
  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction(async manager => {
    const employer = await employerOf(manager, email);
    if (!employer) {
      throw new DomainError('DOMAIN_NOT_ALLOWED', 'Cette adresse n’appartient à aucune administration partenaire de Mentor.', ['input', 'email']);
    }
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(User)
      .values({
        email,
        passwordHash,
        displayName: input.displayName.trim(),
        employerId: employer.id,
        category: input.category ?? null,
        functions: (input.functions ?? []).map(entry => entry.trim().toLowerCase()),
      })
      .orIgnore()
      .returning('id')
      .execute();
    if (inserted.raw.length === 0) throw new DomainError('EMAIL_TAKEN', 'Un compte existe déjà pour cette adresse.', ['input', 'email']);
    const user = await manager.findOneByOrFail(User, { id: inserted.raw[0].id });
    return openSession(ctx, manager, user);
  });
}

/**
 * Unknown addresses are counted too and a decoy hash is verified, so neither the answer, nor the
 * lockout, nor the time tells whether an account exists (see `throttledAttempt`).
 */
export async function login(ctx: Context, rawEmail: string, password: string): Promise<Session> {
  await spendAuthBudget(ctx);
  const email = normaliseEmail(rawEmail);
  const outcome = await ctx.db.transaction(manager =>
    // An address is its own key (as before client ids shared the throttle): counts in progress carry over.
    throttledAttempt(manager, email, async () => {
      const user = await manager.getRepository(User).createQueryBuilder('u').addSelect('u.passwordHash').where('u.email = :email', { email }).getOne();
      if (!user) await verifyPassword(null, password);
      return user && (await verifyPassword(user.passwordHash, password)) ? openSession(ctx, manager, user) : null;
    }),
  );
  if (outcome === 'invalid') throw invalidCredentials();
  return outcome;
}

/**
 * Exchanges a refresh token for a new pair. The old token is spent; presenting a spent token again
 * means it leaked, so its whole family is revoked (OAuth 2.0 Security BCP, refresh token rotation).
 */
export async function refresh(ctx: Context, token: string): Promise<Session> {
  const outcome = await ctx.db.transaction(async manager => {
    const stored = await manager
      .getRepository(RefreshToken)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where('r.token_hash = :hash', { hash: hashRefreshToken(token) })
      .getOne();
    if (!stored || stored.expiresAt <= new Date()) return null;
    if (stored.revokedAt) {
      await manager.query('UPDATE refresh_token SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [stored.familyId]);
      return 'reused' as const;
    }
    await manager.update(RefreshToken, { id: stored.id }, { revokedAt: new Date() });
    const user = await manager.findOneByOrFail(User, { id: stored.userId });
    return openSession(ctx, manager, user, stored.familyId, stored.expiresAt);
  });
  if (outcome === null || outcome === 'reused') throw invalidToken();
  return outcome;
}

export async function logout(ctx: Context, token: string): Promise<{ loggedOut: boolean }> {
  await ctx.db.transaction(manager =>
    manager.query('UPDATE refresh_token SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [hashRefreshToken(token)]),
  );
  return { loggedOut: true };
}
