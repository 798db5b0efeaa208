import { Field, ID, Int, ObjectType } from 'type-graphql';
import { UserError } from '../graphql/errors';

@ObjectType({ description: 'What a user’s personal files take, in bytes. Int: the quota (FILE_QUOTA_BYTES) stays below 2^31.' })
export class StorageUsage {
  @Field(() => Int)
  usedBytes: number;

  @Field(() => Int)
  quotaBytes: number;
}

@ObjectType()
export class DeleteFilePayload {
  @Field(() => ID, { nullable: true, description: 'The deleted file’s id; null when nothing was deleted.' })
  deletedId?: string | null;

  @Field(() => [UserError])
  userErrors: UserError[];
}
