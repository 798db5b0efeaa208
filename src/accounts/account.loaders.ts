import DataLoader from 'dataloader';
import { In, IsNull, type DataSource } from 'typeorm';
import { byIdLoader, MAX_BATCH } from '../db/by-id-loader';
import { ApiClient } from './api-client.entity';
import { RoleGrant } from './role-grant.entity';
import { User } from './user.entity';

export function createAccountLoaders(db: DataSource) {
  return {
    userById: byIdLoader(db, User),
    /** API clients not revoked: a revoked client's tokens stop working at once. */
    activeClientById: byIdLoader(db, ApiClient, { revokedAt: IsNull() }),
    /**
     * The role grants that apply: those of accounts that proved their mailbox. An account unverified
     * (older than the check, say) keeps its grants stored, in force once it verifies.
     */
    grantsByUser: new DataLoader<string, RoleGrant[]>(
      async userIds => {
        const grants = await db.getRepository(RoleGrant).find({ where: { userId: In([...userIds]), user: { emailVerified: true } }, order: { role: 'ASC' } });
        return userIds.map(id => grants.filter(grant => grant.userId === id));
      },
      { maxBatchSize: MAX_BATCH },
    ),
  };
}
