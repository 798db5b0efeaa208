import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { byIdLoader, MAX_BATCH } from '../db/by-id-loader';
import { RoleGrant } from './role-grant.entity';
import { User } from './user.entity';

export function createAccountLoaders(db: DataSource) {
  return {
    userById: byIdLoader(db, User),
    grantsByUser: new DataLoader<string, RoleGrant[]>(
      async userIds => {
        const grants = await db.getRepository(RoleGrant).find({ where: { userId: In([...userIds]) }, order: { role: 'ASC' } });
        return userIds.map(id => grants.filter(grant => grant.userId === id));
      },
      { maxBatchSize: MAX_BATCH },
    ),
  };
}
