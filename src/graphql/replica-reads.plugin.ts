import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';

/**
 * A mutation reads from the primary only, before and after its writes (its payload must show what it
 * did); only query operations may send their lagging reads to a replica.
 */
export const writesReadThePrimary: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operation }) {
        if (operation?.operation !== 'query') contextValue.lagging.primaryOnly();
      },
    };
  },
};
