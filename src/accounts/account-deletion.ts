import { forbidden } from '../auth/auth-checker';
import { verifyPassword } from '../auth/passwords';
import type { Context } from '../context';
import { isDeadlock, retryWhen } from '../db/retry';
import { eraseEnrolmentsOf } from '../enrolment/enrolment-erasure';
import { deleteFilesOf } from '../files/files.service';
import { DomainError } from '../graphql/errors';
import { localIdOf, toGlobalId } from '../graphql/global-id';
import { forgetRecipient } from '../mail/mail';
import { userWithPasswordHash } from './account.service';
import { clearAttempts, countAttempt } from './attempt-throttle';
import { recordAudit } from './audit.service';
import { spendAuthBudget } from './auth-budget';
import { User } from './user.entity';

const userNotFound = () => new DomainError('NOT_FOUND', 'Utilisateur introuvable.', ['userId']);

/**
 * Deletes an account and what only it needs, in one transaction (RGPD art. 17): its files, tokens,
 * role grants, throttles and e-mails go; its seats are released and its enrolments and attestations
 * kept anonymised (see `eraseEnrolmentsOf`). The account is locked first, so that no upload or
 * enrolment of its own slips in meanwhile; an enrolment of its own racing in the other lock order
 * may deadlock with it, and the deletion then runs again. Audited, without personal data.
 */
async function eraseAccount(ctx: Context, userId: string, revokeAttestations: boolean, by: 'SELF' | 'ADMIN'): Promise<{ deletedId: string }> {
  const deletedId = toGlobalId('User', userId);
  await retryWhen(isDeadlock, () =>
    ctx.db.transaction(async manager => {
      const [account]: { email: string }[] = await manager.query('SELECT email FROM user_account WHERE id = $1 FOR UPDATE', [userId]);
      if (!account) throw userNotFound();
      const enrolments = await eraseEnrolmentsOf(ctx, manager, userId, revokeAttestations);
      const files = await deleteFilesOf(manager, userId);
      await forgetRecipient(manager, account.email);
      await clearAttempts(manager, account.email);
      // Refresh and account tokens, role grants: cascaded.
      await manager.delete(User, { id: userId });
      await recordAudit(ctx, manager, 'ACCOUNT_DELETED', deletedId, { by, revokeAttestations, ...enrolments, files });
    }),
  );
  return { deletedId };
}

/** The signed-in user's own account, once the password is proved (attempts throttled as for `login`). */
export async function deleteMyAccount(ctx: Context, password: string, revokeAttestations: boolean): Promise<{ deletedId: string }> {
  await spendAuthBudget(ctx);
  const user = await userWithPasswordHash(ctx.db, { id: ctx.viewer.userId! });
  if (!user) throw forbidden();
  if (!(await verifyPassword(user.passwordHash, password, () => countAttempt(ctx.db, user.email)))) {
    throw new DomainError('INVALID_CREDENTIALS', 'Mot de passe incorrect : le compte n’est pas supprimé.', ['password']);
  }
  return eraseAccount(ctx, user.id, revokeAttestations, 'SELF');
}

/** Any account, by an admin (the role is checked on the resolver). */
export async function deleteAccount(ctx: Context, userGlobalId: string, revokeAttestations: boolean): Promise<{ deletedId: string }> {
  const userId = localIdOf(userGlobalId, 'User');
  if (!userId) throw userNotFound();
  return eraseAccount(ctx, userId, revokeAttestations, 'ADMIN');
}
