import type { DataSource, EntityManager } from 'typeorm';
import { hashPassword, verifyPassword } from '../auth/passwords';
import { hashOpaqueToken } from '../auth/tokens';
import { Partner } from '../catalogue/partner.entity';
import type { Context } from '../context';
import { ConfigError } from '../config';
import { DomainError, invalidTransition } from '../graphql/errors';
import { validateInput } from '../graphql/validation';
import { queueMail } from '../mail/mail';
import { NotificationPreferencesInput, ProfileChanges, RegisterInput } from './account.inputs';
import { accountExistsMail, verificationMail } from './account-mails';
import { closeAllSessions, openSession, type Session } from './account-session';
import { AccountTokenPurpose } from './account-token.entity';
import { issueAccountToken, LINKS_PER_DAY, recentTokens, spendAccountToken, tooManyLinks } from './account-tokens';
import { RefreshToken } from './refresh-token.entity';
import { clearAttempts, countAttempt } from './attempt-throttle';
import { spendAuthBudget } from './auth-budget';
import { Role } from './accounts.enums';
import { RoleGrant } from './role-grant.entity';
import { User } from './user.entity';

const invalidCredentials = () => new DomainError('INVALID_CREDENTIALS', 'Adresse e-mail ou mot de passe incorrect.');
const invalidToken = () => new DomainError('INVALID_TOKEN', 'Jeton de rafraîchissement invalide ou expiré : reconnectez-vous.', ['refreshToken']);

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The account under this (normalised) address with its password hash, which is never selected otherwise. */
export function userWithPasswordHash(db: DataSource | EntityManager, where: { email: string } | { id: string }): Promise<User | null> {
  const [column, value] = 'email' in where ? ['email', where.email] : ['id', where.id];
  return db.getRepository(User).createQueryBuilder('u').addSelect('u.passwordHash').where(`u.${column} = :value`, { value }).getOne();
}

/** The partner whose e-mail domains include this address's domain (sub-domains included). */
async function employerOf(manager: EntityManager, email: string): Promise<Partner | null> {
  const domain = email.split('@')[1];
  const partners = await manager.find(Partner);
  return partners.find(partner => partner.emailDomains.some(owned => domain === owned || domain.endsWith(`.${owned}`))) ?? null;
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

export async function updateNotificationPreferences(ctx: Context, input: NotificationPreferencesInput): Promise<{ user: User }> {
  return ctx.db.transaction(async manager => {
    const changes = {
      ...(input.reviewDecisions != null && { notifyReviewDecisions: input.reviewDecisions }),
      ...(input.newSubmissions != null && { notifyNewSubmissions: input.newSubmissions }),
    };
    if (Object.keys(changes).length > 0) await manager.update(User, { id: ctx.viewer.userId! }, changes);
    return { user: await manager.findOneByOrFail(User, { id: ctx.viewer.userId! }) };
  });
}

/** ADMIN_EMAIL / ADMIN_PASSWORD: make sure this account exists and is an admin (idempotent, at start). */
export async function ensureAdmin(db: DataSource, admin: { email: string; password: string }): Promise<void> {
  const email = normaliseEmail(admin.email);
  // Another process starting at the same time may create the account between the check and the
  // promotion: the next round checks what it created.
  for (let round = 0; round < 3; round += 1) {
    if (await promoteCheckedAccount(db, email, admin.password)) return;
  }
  throw new ConfigError('ADMIN_EMAIL', `names the account ${email}, which kept changing while the start checked it: start again`);
}

/**
 * Checks ADMIN_PASSWORD against the account outside any transaction (hashing never runs inside one),
 * then creates or promotes that very row, recognised by its password hash; false when it changed meanwhile.
 */
async function promoteCheckedAccount(db: DataSource, email: string, password: string): Promise<boolean> {
  const account = await userWithPasswordHash(db, { email });
  // Whoever registered the address first must not become admin: an existing account is promoted only
  // when ADMIN_PASSWORD is its password. A verified admin is the operator's, whatever its password has
  // become since; an unverified one may be a squatter that the bootstrap promoted before addresses
  // had to be verified.
  const operatorsAdmin = account !== null && account.emailVerified && (await db.getRepository(RoleGrant).existsBy({ userId: account.id, role: Role.ADMIN }));
  if (account && !operatorsAdmin && !(await verifyPassword(account.passwordHash, password))) {
    throw new ConfigError('ADMIN_PASSWORD', `does not open the existing account ${email}, which is not promoted: set ADMIN_PASSWORD to that account's password, or choose another ADMIN_EMAIL`);
  }
  const passwordHash = account?.passwordHash ?? (await hashPassword(password));
  return db.transaction(async manager => {
    if (!account) {
      const employer = await employerOf(manager, email);
      await manager
        .createQueryBuilder()
        .insert()
        .into(User)
        .values({ email, passwordHash, displayName: 'Administrateur', employerId: employer?.id ?? null, emailVerified: true })
        .orIgnore()
        .execute();
    }
    // The operator who set ADMIN_EMAIL and ADMIN_PASSWORD vouches for the address.
    const [promoted]: [{ id: string }[], number] = await manager.query(
      `UPDATE user_account SET email_verified = true WHERE email = $1 AND password_hash = $2 RETURNING id`,
      [email, passwordHash],
    );
    if (promoted.length === 0) return false;
    await manager.query(`INSERT INTO role_grant (user_id, role, partner_id) VALUES ($1, 'ADMIN', NULL) ON CONFLICT DO NOTHING`, [promoted[0].id]);
    return true;
  });
}

/**
 * Creates an unverified account and mails it a verification link. An address that already has an
 * account gets a warning mail instead, and the caller the very same answer (no token, no user) after
 * the same work (a hash, a transaction): `register` does not tell who has an account.
 */
export async function register(ctx: Context, input: RegisterInput): Promise<Record<string, never>> {
  await spendAuthBudget(ctx);
  const email = normaliseEmail(input.email);
  await validateInput(Object.assign(new RegisterInput(), input, { email }), ['input']);
  const passwordHash = await hashPassword(input.password);
  await ctx.db.transaction(async manager => {
    const employer = await employerOf(manager, email);
    if (!employer) {
      throw new DomainError('DOMAIN_NOT_ALLOWED', 'Cette adresse n’appartient à aucune administration partenaire de Mentor.', ['input', 'email']);
    }
    const displayName = input.displayName.trim();
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(User)
      .values({
        email,
        passwordHash,
        displayName,
        employerId: employer.id,
        category: input.category ?? null,
        functions: (input.functions ?? []).map(entry => entry.trim().toLowerCase()),
      })
      .orIgnore()
      .returning('id')
      .execute();
    if (inserted.raw.length === 0) {
      // The owner is warned at most once an hour, however often the address is tried.
      const [warned]: [User[], number] = await manager.query(
        `UPDATE user_account SET registration_attempt_warned_at = now()
         WHERE email = $1 AND (registration_attempt_warned_at IS NULL OR registration_attempt_warned_at < now() - interval '1 hour')
         RETURNING email, display_name AS "displayName"`,
        [email],
      );
      await queueMail(ctx, manager, warned.map(owner => accountExistsMail(ctx.appUrl, owner)));
      return;
    }
    const token = await issueAccountToken(manager, inserted.raw[0].id, AccountTokenPurpose.VERIFY_EMAIL);
    await queueMail(ctx, manager, [verificationMail(ctx.appUrl, { email, displayName }, token)]);
  });
  return {};
}

/** The link mailed at registration: the mailbox is proven, and its owner signed in. */
export async function verifyEmail(ctx: Context, token: string): Promise<Session> {
  await spendAuthBudget(ctx);
  return ctx.db.transaction(async manager => {
    const userId = await spendAccountToken(manager, token, AccountTokenPurpose.VERIFY_EMAIL);
    if (!userId) throw new DomainError('INVALID_TOKEN', 'Lien de confirmation invalide, expiré ou déjà utilisé : demandez-en un nouveau.', ['token']);
    await manager.update(User, { id: userId }, { emailVerified: true });
    // Sessions opened before the proof may be someone else's (whoever registered the address):
    // only the mailbox's owner, signed in by this link, stays signed in.
    await closeAllSessions(manager, userId);
    return openSession(ctx, manager, await manager.findOneByOrFail(User, { id: userId }));
  });
}

/** A new verification link for the signed-in, unverified account: one a minute, five a day. */
export async function resendVerification(ctx: Context): Promise<{ sent: boolean }> {
  return ctx.db.transaction(async manager => {
    const user = await manager.findOneOrFail(User, { where: { id: ctx.viewer.userId! }, lock: { mode: 'pessimistic_write' } });
    if (user.emailVerified) throw invalidTransition('Votre adresse e-mail est déjà confirmée.');
    if (tooManyLinks(await recentTokens(manager, user.id, AccountTokenPurpose.VERIFY_EMAIL))) {
      throw new DomainError('TOO_MANY_REQUESTS', `Un lien vient déjà de vous être envoyé : au plus un par minute et ${LINKS_PER_DAY} par jour.`);
    }
    const token = await issueAccountToken(manager, user.id, AccountTokenPurpose.VERIFY_EMAIL);
    await queueMail(ctx, manager, [verificationMail(ctx.appUrl, user, token)]);
    return { sent: true };
  });
}

/**
 * The attempt is counted before the password is checked (see `countAttempt`), and the hash is
 * checked outside any transaction. Unknown addresses are counted too and a decoy hash is verified,
 * so neither the answer, nor the lockout, nor the time tells whether an account exists.
 */
export async function login(ctx: Context, rawEmail: string, password: string): Promise<Session> {
  await spendAuthBudget(ctx);
  const email = normaliseEmail(rawEmail);
  const user = await userWithPasswordHash(ctx.db, { email });
  const valid = await verifyPassword(user?.passwordHash ?? null, password, () => countAttempt(ctx.db, email));
  if (!user || !valid) throw invalidCredentials();
  return ctx.db.transaction(async manager => {
    await clearAttempts(manager, email);
    return openSession(ctx, manager, user);
  });
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
      .where('r.token_hash = :hash', { hash: hashOpaqueToken(token) })
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
    manager.query('UPDATE refresh_token SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [hashOpaqueToken(token)]),
  );
  return { loggedOut: true };
}
