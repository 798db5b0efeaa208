import { GraphQLError } from 'graphql';
import { forbidden } from '../auth/auth-checker';
import type { Viewer } from '../auth/viewer';

/**
 * Personal files are their owner's alone: nobody else, admins included, reads them or learns they
 * exist (their queries answer as for an unknown id). API clients own none.
 */
export function mayReadFile(viewer: Viewer, file: { ownerId: string }): boolean {
  return viewer.client === null && viewer.userId === file.ownerId;
}

/** A user's storage usage is for that user only. */
export function maySeeStorage(viewer: Viewer, userId: string): boolean {
  return viewer.client === null && viewer.userId === userId;
}

/** The signed-in user who uploads or downloads (the HTTP routes' check, as `@Authorized()` is for resolvers): else 401, or 403 for an API client. */
export function fileOwnerOf(viewer: Viewer): string {
  if (viewer.client) throw forbidden('Les fichiers personnels appartiennent aux utilisateurs connectés, pas aux clients d’API.');
  if (viewer.userId === null) {
    throw new GraphQLError('Connectez-vous pour accéder à vos fichiers.', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
  return viewer.userId;
}
