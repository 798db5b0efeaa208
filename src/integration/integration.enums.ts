import { registerEnumType } from 'type-graphql';

export enum ChangeType {
  TRAINING_PUBLISHED = 'TRAINING_PUBLISHED',
  /** A pending revision was approved and replaced the live sheet. */
  TRAINING_UPDATED = 'TRAINING_UPDATED',
  TRAINING_ARCHIVED = 'TRAINING_ARCHIVED',
  SESSION_CREATED = 'SESSION_CREATED',
  SESSION_UPDATED = 'SESSION_UPDATED',
  SESSION_CANCELLED = 'SESSION_CANCELLED',
}

registerEnumType(ChangeType, { name: 'ChangeType', description: 'What happened to the published catalogue.' });
