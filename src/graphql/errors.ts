import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { Field, ObjectType } from 'type-graphql';

/**
 * The stable codes of `UserError.code` that clients switch on (`../shared/API.md` lists them): a
 * misspelt code fails the type check.
 */
export type UserErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'DOMAIN_NOT_ALLOWED'
  | 'WEAK_PASSWORD'
  | 'INVALID_CREDENTIALS'
  | 'TOO_MANY_ATTEMPTS'
  | 'INVALID_TOKEN'
  | 'INVALID_TRANSITION'
  | 'NOT_ELIGIBLE'
  | 'ENROLMENT_CLOSED'
  | 'SESSION_CANCELLED'
  | 'TOO_MANY_REQUESTS'
  | 'EMAIL_NOT_VERIFIED'
  | 'FILE_TOO_LARGE'
  | 'QUOTA_EXCEEDED';

/** A business refusal with a stable code; mutations turn it into `userErrors`. */
export class DomainError extends Error {
  constructor(
    readonly code: UserErrorCode,
    message: string,
    readonly field: string[] | null = null,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Several refusals of one input at once (every invalid field), so that a form can show them all. */
export class InvalidInput extends DomainError {
  constructor(readonly failures: DomainError[]) {
    super(failures[0].code, failures[0].message, failures[0].field);
    this.name = 'InvalidInput';
  }
}

@ObjectType({ simpleResolvers: true, description: 'An expected refusal: clients switch on `code`.' })
export class UserError {
  @Field(() => [String], { nullable: true, description: 'Path of the input field at fault, if any.' })
  field: string[] | null;

  @Field(() => String, { description: 'Stable code, e.g. VALIDATION, NOT_FOUND, NOT_ELIGIBLE.' })
  code: UserErrorCode;

  @Field({ description: 'A message a person can read, in French.' })
  message: string;
}

/** A move the training's or session's state does not allow (submitting a published training without changes, editing a cancelled session…). */
export function invalidTransition(message: string): DomainError {
  return new DomainError('INVALID_TRANSITION', message);
}

/** A malformed request argument (bad cursor, `first` out of range): a GraphQL error clients can fix. */
export function badUserInput(message: string, argument: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argument } });
}

/** Codes whose message is written for the client and survives masking. */
const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'QUERY_TOO_COMPLEX',
  'TOO_MANY_REQUESTS',
]);

export const DATABASE_UNAVAILABLE = 'Service momentanément indisponible : réessayez dans un instant.';
const DATABASE_UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|ECONNREFUSED|ECONNRESET|terminating connection due to administrator command|the database system is (starting up|shutting down)|query runner was already released/;

/**
 * The database could not answer now, through no fault of the request: down or restarting (SQLSTATE
 * class 08, 57P01–57P03, a refused or cut connection), a statement cancelled at statement_timeout
 * (57014), no free pooled connection in time. The client may try again: SERVICE_UNAVAILABLE.
 */
export function databaseUnavailable(error: unknown): boolean {
  // A plugin's failure reaches formatError wrapped in a GraphQLError; a query's, in TypeORM's QueryFailedError.
  const original = (error as { originalError?: unknown } | null)?.originalError ?? error;
  const driverError = (original as { driverError?: unknown } | null)?.driverError ?? original;
  const code = (driverError as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (code.startsWith('08') || /^57(014|P0[123])$/.test(code) || code === '53300' || code === 'ECONNREFUSED' || code === 'ECONNRESET')) return true;
  // TypeORM releases a transaction's runner when its connection dies under it; the next statement then fails so.
  if (driverError instanceof Error && driverError.name === 'QueryRunnerAlreadyReleasedError') return true;
  return driverError instanceof Error && DATABASE_UNAVAILABLE_MESSAGES.test(driverError.message);
}

/**
 * Outside development, anything that is not a client-facing error becomes a generic internal error:
 * no SQL, no stack, no driver message reaches a client. The original is logged by the caller.
 */
export function maskError(formatted: GraphQLFormattedError, error: unknown, development: boolean): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (development || (typeof code === 'string' && CLIENT_CODES.has(code))) return formatted;
  const original = unwrapResolverError(error);
  if (databaseUnavailable(original)) {
    return { message: DATABASE_UNAVAILABLE, locations: formatted.locations, path: formatted.path, extensions: { code: 'SERVICE_UNAVAILABLE' } };
  }
  if (original instanceof GraphQLError && original.extensions?.code && CLIENT_CODES.has(String(original.extensions.code))) {
    return formatted;
  }
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
