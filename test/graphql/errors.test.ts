import { GraphQLError } from 'graphql';
import { maskError } from '../../src/graphql/errors';

const internal = { message: 'relation "training" does not exist', extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at pg'] } };

test('outside development an unexpected error becomes a generic one: no SQL, no stack', () => {
  expect(maskError(internal, new Error(internal.message), false)).toEqual({
    message: 'Internal server error',
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
});

test('client-facing codes keep their message', () => {
  for (const code of ['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'QUERY_TOO_COMPLEX']) {
    const formatted = { message: 'lisible', extensions: { code } };
    expect(maskError(formatted, new GraphQLError('lisible', { extensions: { code } }), false)).toBe(formatted);
  }
});

test('development shows everything', () => {
  expect(maskError(internal, new Error(internal.message), true)).toBe(internal);
});
