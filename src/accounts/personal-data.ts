import type { Context } from '../context';
import { enrolmentDataOf } from '../enrolment/enrolment-personal-data';
import { downloadUrlOf, listFilesOf } from '../files/files.service';
import { toGlobalId } from '../graphql/global-id';
import { mailsTo } from '../mail/mail';
import { reviewDataOf } from '../review/review-personal-data';
import type { AuditEntry } from './audit-entry.entity';
import { ACTIONS_EXPORTED, auditEntriesConcerning } from './audit.service';
import { RefreshToken } from './refresh-token.entity';
import { RoleGrant } from './role-grant.entity';
import { User } from './user.entity';

/** Names the document's shape, so that a later change of it can be told apart. */
const FORMAT = 'mentor.personal-data.v1';

const auditView = (entry: AuditEntry) => ({ action: entry.action, actor: entry.actor, target: entry.target, details: entry.details, createdAt: entry.createdAt });

/** One entry per sign-in (a refresh token family), not per rotation: when it began, ends, and whether it is still open. */
function signInSessionsOf(tokens: RefreshToken[]) {
  const families = new Map<string, RefreshToken[]>();
  for (const token of tokens) families.set(token.familyId, [...(families.get(token.familyId) ?? []), token]);
  const now = new Date();
  return [...families.values()].map(family => ({
    startedAt: family[0].createdAt,
    expiresAt: family[family.length - 1].expiresAt,
    open: family.some(token => token.revokedAt === null && token.expiresAt > now),
  }));
}

/**
 * Everything the platform holds about the signed-in user (RGPD art. 15, and 20: structured,
 * machine-readable), as one JSON document: profile, roles, sign-in sessions, enrolments,
 * attestations, files (metadata and download links), review decisions signed, e-mails sent to
 * them (subjects and dates), and audit entries about them and by them. Secrets are left out:
 * password hash, tokens (only when sessions began and end), e-mail bodies (they hold links).
 */
export async function exportMyData(ctx: Context): Promise<Record<string, unknown>> {
  const userId = ctx.viewer.userId!;
  const userGlobalId = toGlobalId('User', userId);
  const publicUrl = ctx.attestationIssuer.url;
  const user = await ctx.db.getRepository(User).findOneOrFail({ where: { id: userId }, relations: { employer: true } });
  const [grants, sessions, enrolmentData, files, reviews, audit, mails] = await Promise.all([
    ctx.db.getRepository(RoleGrant).find({ where: { userId }, relations: { partner: true }, order: { role: 'ASC' } }),
    ctx.db.getRepository(RefreshToken).find({ where: { userId }, order: { createdAt: 'ASC' } }),
    enrolmentDataOf(ctx.db, userId, publicUrl),
    listFilesOf(ctx.db.manager, userId),
    reviewDataOf(ctx.db, userId),
    auditEntriesConcerning(ctx.db, userGlobalId),
    mailsTo(ctx.db, user.email),
  ]);
  return {
    format: FORMAT,
    exportedAt: new Date(),
    profile: {
      id: userGlobalId,
      email: user.email,
      displayName: user.displayName,
      emailVerified: user.emailVerified,
      employer: user.employer ? { slug: user.employer.slug, name: user.employer.name } : null,
      category: user.category,
      functions: user.functions,
      notificationPreferences: { reviewDecisions: user.notifyReviewDecisions, newSubmissions: user.notifyNewSubmissions },
      createdAt: user.createdAt,
      updatedAt: user.updatedAt,
      registrationAttemptWarnedAt: user.registrationAttemptWarnedAt,
    },
    roles: grants.map(grant => ({ role: grant.role, partner: grant.partner?.slug ?? null })),
    signInSessions: signInSessionsOf(sessions),
    ...enrolmentData,
    files: files.map(file => ({
      id: file.globalId,
      name: file.name,
      mimeType: file.mimeType,
      size: file.size,
      sha256: file.sha256,
      createdAt: file.createdAt,
      downloadUrl: downloadUrlOf(ctx.db, file),
    })),
    reviews,
    mails,
    auditEntriesAboutYou: audit.about.map(auditView),
    auditEntriesByYou: { total: audit.madeInAll, latestListed: ACTIONS_EXPORTED, entries: audit.made.map(auditView) },
  };
}
