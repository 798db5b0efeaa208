import { randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword } from '../auth/passwords';
import { ACCESS_TOKEN_SECONDS, signClientToken } from '../auth/tokens';
import { Partner } from '../catalogue/partner.entity';
import type { Context } from '../context';
import { DomainError } from '../graphql/errors';
import { toGlobalId } from '../graphql/global-id';
import type { ApiClientInfo } from './account.types';
import { ApiClient } from './api-client.entity';
import { recordAudit } from './audit.service';
import { clearAttempts, countAttempt } from './attempt-throttle';
import { spendAuthBudget } from './auth-budget';

export const API_SCOPES = ['catalogue:write', 'enrolments:complete', 'hr:read', 'webhooks:manage'] as const;

function info(client: ApiClient, partner: Partner): ApiClientInfo {
  return { clientId: client.clientId, name: client.name, partner, scopes: client.scopes, revokedAt: client.revokedAt };
}

export async function createApiClient(ctx: Context, partnerSlug: string, rawName: string, scopes: string[]) {
  const name = rawName.trim();
  if (name.length < 1 || name.length > 200) throw new DomainError('VALIDATION', 'Le nom doit compter de 1 à 200 caractères.', ['name']);
  const unknown = scopes.filter(scope => !(API_SCOPES as readonly string[]).includes(scope));
  if (unknown.length || scopes.length === 0) {
    throw new DomainError('VALIDATION', `Portées possibles : ${API_SCOPES.join(', ')} (reçu : ${unknown.join(', ') || 'aucune'}).`, ['scopes']);
  }
  const secret = randomBytes(32).toString('base64url');
  const secretHash = await hashPassword(secret);
  return ctx.db.transaction(async manager => {
    const partner = await manager.findOneBy(Partner, { slug: partnerSlug });
    if (!partner) throw new DomainError('NOT_FOUND', `Partenaire inconnu : ${partnerSlug}.`, ['partner']);
    const client = manager.create(ApiClient, {
      clientId: `mc_${randomBytes(12).toString('hex')}`,
      secretHash,
      name,
      partnerId: partner.id,
      scopes: [...new Set(scopes)],
      revokedAt: null,
    });
    await manager.insert(ApiClient, client);
    await recordAudit(ctx, manager, 'API_CLIENT_CREATED', toGlobalId('ApiClient', client.id), { partner: partner.slug, name, scopes: client.scopes });
    return { client: info(client, partner), clientSecret: secret };
  });
}

export async function revokeApiClient(ctx: Context, clientId: string) {
  return ctx.db.transaction(async manager => {
    const client = await manager.findOneBy(ApiClient, { clientId });
    if (!client) throw new DomainError('NOT_FOUND', 'Client d’API introuvable.', ['clientId']);
    if (!client.revokedAt) {
      client.revokedAt = new Date();
      await manager.update(ApiClient, { id: client.id }, { revokedAt: client.revokedAt });
      await recordAudit(ctx, manager, 'API_CLIENT_REVOKED', toGlobalId('ApiClient', client.id), {});
    }
    return { client: info(client, (await manager.findOneByOrFail(Partner, { id: client.partnerId }))) };
  });
}

/**
 * Client credentials: an access token for the client's partner and scopes, or INVALID_CREDENTIALS;
 * attempts on one client id are throttled like sign-ins on one address.
 */
export async function issueClientToken(ctx: Context, clientId: string, clientSecret: string) {
  await spendAuthBudget(ctx);
  const key = `client:${clientId}`;
  const client = await ctx.db.getRepository(ApiClient).createQueryBuilder('c').addSelect('c.secretHash').where('c.client_id = :clientId', { clientId }).getOne();
  // Outside any transaction: no lock or connection is held while the hash is computed.
  const valid = await verifyPassword(client?.secretHash ?? null, clientSecret, () => countAttempt(ctx.db, key));
  if (!client || !valid || client.revokedAt) throw new DomainError('INVALID_CREDENTIALS', 'Identifiants de client invalides ou révoqués.');
  await clearAttempts(ctx.db, key);
  return {
    accessToken: signClientToken(ctx.jwtSecret, { id: client.id, partnerId: client.partnerId, scopes: client.scopes }),
    expiresIn: ACCESS_TOKEN_SECONDS,
  };
}
