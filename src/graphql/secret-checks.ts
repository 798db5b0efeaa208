import { GraphQLError, Kind, type FieldNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';

/**
 * Mutations that check a secret (a password hash, a client secret): each costs the server a slow
 * hash on purpose, so one request of many aliases would multiply it into a denial of service.
 */
export const SECRET_CHECKING_MUTATIONS = new Set(['login', 'register', 'issueClientToken', 'verifyEmail', 'resetPassword', 'changePassword', 'requestPasswordReset', 'deleteMyAccount']);

/** At most one secret-checking mutation per operation, refused at validation (before any hash). */
export const oneSecretCheckPerOperation: ValidationRule = context => ({
  OperationDefinition(operation) {
    if (operation.operation !== 'mutation') return;
    const checks = rootFields(context, operation.selectionSet, new Set()).filter(field => SECRET_CHECKING_MUTATIONS.has(field.name.value));
    if (checks.length > 1) {
      context.reportError(
        new GraphQLError(
          `Une seule opération vérifiant un secret (${[...SECRET_CHECKING_MUTATIONS].join(', ')}) par requête : reçu ${checks.length}.`,
          { nodes: checks },
        ),
      );
    }
  },
});

/** The root fields of an operation, through fragments too (each fragment once). */
function rootFields(context: ValidationContext, selectionSet: SelectionSetNode, seen: Set<string>): FieldNode[] {
  return selectionSet.selections.flatMap(selection => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFields(context, selection.selectionSet, seen);
    if (seen.has(selection.name.value)) return [];
    seen.add(selection.name.value);
    const fragment = context.getFragment(selection.name.value);
    return fragment ? rootFields(context, fragment.selectionSet, seen) : [];
  });
}
