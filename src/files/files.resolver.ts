import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { User } from '../accounts/user.entity';
import type { Context } from '../context';
import { runMutation } from '../graphql/run-mutation';
import { deleteFile, downloadUrlOf, myFiles, storageUsage } from './files.service';
import { DeleteFilePayload, StorageUsage } from './files.types';
import { PersonalFile } from './personal-file.entity';

/** Listing and deleting personal files; uploads and downloads are plain HTTP (`POST /files`, `GET /files/:id`). */
@Resolver(() => PersonalFile)
export class FilesResolver {
  @Authorized()
  @Query(() => [PersonalFile], { description: 'The signed-in user’s personal files, newest first.' })
  myFiles(@Ctx() ctx: Context): Promise<PersonalFile[]> {
    return myFiles(ctx);
  }

  @Authorized()
  @Mutation(() => DeleteFilePayload, { description: 'Deletes one of the signed-in user’s files; anyone else’s or an unknown id is NOT_FOUND.' })
  deleteFile(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<DeleteFilePayload> {
    return runMutation(ctx, () => deleteFile(ctx, id));
  }

  @FieldResolver(() => String, { description: 'Absolute URL of `GET /files/:id`, for the owner’s bearer token.' })
  downloadUrl(@Root() file: PersonalFile, @Ctx() ctx: Context): string {
    return downloadUrlOf(ctx.db, file);
  }
}

@Resolver(() => User)
export class UserStorageResolver {
  @FieldResolver(() => StorageUsage, { description: 'What the user’s personal files take and may take; the user themself only (anyone else: FORBIDDEN).' })
  storage(@Root() user: User, @Ctx() ctx: Context): Promise<StorageUsage> {
    return storageUsage(ctx, user.id);
  }
}
