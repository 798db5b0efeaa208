import type { EntityManager } from 'typeorm';
import { forbidden } from '../auth/auth-checker';
import { hashPassword, verifyPassword } from '../auth/passwords';
import type { Context } from '../context';
import { DomainError } from '../graphql/errors';
import { queueMail } from '../mail/mail';
import { normaliseEmail, userWithPasswordHash } from './account.service';
import { passwordChangedMail, passwordResetMail } from './account-mails';
import { closeAllSessions, openSession, type Session } from './account-session';
import { AccountTokenPurpose } from './account-token.entity';
import { accountOfToken, issueAccountToken, recentTokens, spendAccountToken, spendAllAccountTokens, tooManyLinks } from './account-tokens';
import { clearAttempts, countAttempt } from './attempt-throttle';
import { spendAuthBudget } from './auth-budget';
import { passwordWeakness } from './password-policy';
import { User } from './user.entity';

const invalidResetToken = () => new DomainError('INVALID_TOKEN', 'Lien de réinitialisation invalide, expiré ou déjà utilisé : demandez-en un nouveau.', ['token']);

function refuseWeak(password: string, email: string, field: string): void {
  const weakness = passwordWeakness(password, email);
  if (weakness) throw new DomainError('WEAK_PASSWORD', weakness, [field]);
}

/**
 * Mails a reset link when the address has an account. The answer is the same either way, and the
 * work nearly so (one transaction reading the account; a token and a queued mail when it exists).
 */
export async function requestPasswordReset(ctx: Context, rawEmail: string): Promise<{ requested: boolean }> {
  await spendAuthBudget(ctx);
  const email = normaliseEmail(rawEmail);
  await ctx.db.transaction(async manager => {
    const user = await manager.findOne(User, { where: { email }, lock: { mode: 'pessimistic_write' } });
    if (!user) return;
    // However often it is asked for, an account is sent one link a minute, five a day.
    if (tooManyLinks(await recentTokens(manager, user.id, AccountTokenPurpose.RESET_PASSWORD))) return;
    const token = await issueAccountToken(manager, user.id, AccountTokenPurpose.RESET_PASSWORD);
    await queueMail(ctx, manager, [passwordResetMail(ctx.appUrl, user, token)]);
  });
  return { requested: true };
}

/** The new password in place, every session and every link still out closed, the owner told, and a fresh session for the caller. */
async function replacePassword(ctx: Context, manager: EntityManager, user: User, passwordHash: string): Promise<Session> {
  await manager.update(User, { id: user.id }, { passwordHash });
  await closeAllSessions(manager, user.id);
  await spendAllAccountTokens(manager, user.id);
  await clearAttempts(manager, user.email);
  await queueMail(ctx, manager, [passwordChangedMail(ctx.appUrl, user)]);
  return openSession(ctx, manager, await manager.findOneByOrFail(User, { id: user.id }));
}

/**
 * The reset link's token and a new password: the token is spent only once the password is
 * acceptable, the hash is computed outside the transaction, and following the link proves the mailbox.
 */
export async function resetPassword(ctx: Context, token: string, password: string): Promise<Session> {
  await spendAuthBudget(ctx);
  const userId = await accountOfToken(ctx.db.manager, token, AccountTokenPurpose.RESET_PASSWORD);
  if (!userId) throw invalidResetToken();
  const owner = await ctx.db.manager.findOneByOrFail(User, { id: userId });
  refuseWeak(password, owner.email, 'password');
  const passwordHash = await hashPassword(password);
  return ctx.db.transaction(async manager => {
    if ((await spendAccountToken(manager, token, AccountTokenPurpose.RESET_PASSWORD)) !== userId) throw invalidResetToken();
    await manager.update(User, { id: userId }, { emailVerified: true });
    return replacePassword(ctx, manager, owner, passwordHash);
  });
}

/** For the signed-in user, who proves the current password (attempts throttled as for `login`). */
export async function changePassword(ctx: Context, currentPassword: string, newPassword: string): Promise<Session> {
  await spendAuthBudget(ctx);
  const user = await userWithPasswordHash(ctx.db, { id: ctx.viewer.userId! });
  if (!user) throw forbidden();
  // Only wrong current passwords count towards the lockout (shared with login).
  refuseWeak(newPassword, user.email, 'newPassword');
  if (!(await verifyPassword(user.passwordHash, currentPassword, () => countAttempt(ctx.db, user.email)))) {
    throw new DomainError('INVALID_CREDENTIALS', 'Mot de passe actuel incorrect.', ['currentPassword']);
  }
  const passwordHash = await hashPassword(newPassword);
  return ctx.db.transaction(manager => replacePassword(ctx, manager, user, passwordHash));
}
