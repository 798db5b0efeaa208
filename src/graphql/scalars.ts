import { GraphQLScalarType } from 'graphql';
import { DateTimeISOResolver } from 'graphql-scalars';

/** The contract's `DateTime`: ISO 8601 in UTC, e.g. 2026-03-01T09:00:00.000Z. */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeISOResolver.toConfig(),
  name: 'DateTime',
  description: 'A date and time in UTC, as an ISO 8601 string such as 2026-03-01T09:00:00.000Z.',
});
