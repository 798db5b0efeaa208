import { registerEnumType } from 'type-graphql';

export enum Role {
  AGENT = 'AGENT',
  EDITOR = 'EDITOR',
  EDITORIAL_COMMITTEE = 'EDITORIAL_COMMITTEE',
  TECHNICAL_COMMITTEE = 'TECHNICAL_COMMITTEE',
  HR_CORRESPONDENT = 'HR_CORRESPONDENT',
  ADMIN = 'ADMIN',
}

registerEnumType(Role, { name: 'Role', description: 'What a user may do; EDITOR and HR_CORRESPONDENT are scoped to a partner.' });
