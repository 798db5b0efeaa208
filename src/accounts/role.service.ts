import type { EntityManager } from 'typeorm';
import type { Grant } from '../auth/viewer';
import { Partner } from '../catalogue/partner.entity';
import type { Context } from '../context';
import { DomainError } from '../graphql/errors';
import { toGlobalId } from '../graphql/global-id';
import { localIdOf } from '../graphql/global-id';
import { Role } from './accounts.enums';
import { recordAudit } from './audit.service';
import { RoleGrant } from './role-grant.entity';
import { User } from './user.entity';

const SCOPED_ROLES = new Set([Role.EDITOR, Role.HR_CORRESPONDENT]);

/** The grants that apply (see `grantsByUser`): none until the account proved its mailbox. */
export async function grantsOf(manager: EntityManager, userId: string): Promise<Grant[]> {
  const grants = await manager.find(RoleGrant, { where: { userId, user: { emailVerified: true } }, order: { role: 'ASC' } });
  return grants.map(grant => ({ role: grant.role, partnerId: grant.partnerId }));
}

interface GrantTarget {
  user: User;
  role: Role;
  partner: Partner | null;
}

/** Checks a grant or revocation: the user exists, AGENT is implicit, scoped roles name a known partner. */
async function resolveTarget(manager: EntityManager, userGlobalId: string, role: Role, partnerSlug: string | null | undefined): Promise<GrantTarget> {
  const userId = localIdOf(userGlobalId, 'User');
  const user = userId ? await manager.findOneBy(User, { id: userId }) : null;
  if (!user) throw new DomainError('NOT_FOUND', 'Utilisateur introuvable.', ['userId']);
  if (role === Role.AGENT) throw new DomainError('VALIDATION', 'Tout utilisateur est agent : ce rôle ne s’attribue pas.', ['role']);
  if (SCOPED_ROLES.has(role) && !partnerSlug) {
    throw new DomainError('VALIDATION', `Le rôle ${role} s’attribue pour un partenaire : précisez \`partner\`.`, ['partner']);
  }
  if (!SCOPED_ROLES.has(role) && partnerSlug) {
    throw new DomainError('VALIDATION', `Le rôle ${role} est global : il ne prend pas de partenaire.`, ['partner']);
  }
  const partner = partnerSlug ? await manager.findOneBy(Partner, { slug: partnerSlug }) : null;
  if (partnerSlug && !partner) throw new DomainError('NOT_FOUND', `Partenaire inconnu : ${partnerSlug}.`, ['partner']);
  return { user, role, partner };
}

export async function grantRole(ctx: Context, userId: string, role: Role, partner: string | null | undefined): Promise<{ user: User }> {
  return ctx.db.transaction(async manager => {
    const target = await resolveTarget(manager, userId, role, partner);
    if (!target.user.emailVerified) {
      throw new DomainError('EMAIL_NOT_VERIFIED', 'Ce compte n’a pas confirmé son adresse e-mail : aucun rôle ne peut lui être attribué.', ['userId']);
    }
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(RoleGrant)
      .values({ userId: target.user.id, role, partnerId: target.partner?.id ?? null })
      .orIgnore()
      .returning('id')
      .execute();
    if (inserted.raw.length > 0) {
      await recordAudit(ctx, manager, 'ROLE_GRANTED', toGlobalId('User', target.user.id), { role, partner: target.partner?.slug ?? null });
    }
    return { user: target.user };
  });
}

export async function revokeRole(ctx: Context, userId: string, role: Role, partner: string | null | undefined): Promise<{ user: User }> {
  return ctx.db.transaction(async manager => {
    const target = await resolveTarget(manager, userId, role, partner);
    const deleted: [unknown[], number] = await manager.query(
      'DELETE FROM role_grant WHERE user_id = $1 AND role = $2 AND partner_id IS NOT DISTINCT FROM $3 RETURNING id',
      [target.user.id, role, target.partner?.id ?? null],
    );
    if (deleted[1] > 0) {
      await recordAudit(ctx, manager, 'ROLE_REVOKED', toGlobalId('User', target.user.id), { role, partner: target.partner?.slug ?? null });
    }
    return { user: target.user };
  });
}
