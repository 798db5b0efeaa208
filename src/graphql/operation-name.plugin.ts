import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';

/** Names the operation in the request log, however the client named it (body field or document). */
export const operationNamePlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operationName }) {
        contextValue.trace.operationName = operationName ?? undefined;
      },
    };
  },
};
