import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ErrorCode } from '@trialgraph/graphql-kit';
import type { Logger } from '@trialgraph/observability';
import { OperationTypeNode } from 'graphql';

/**
 * Logs each refused mutation with who asked (the context's `actor`), the operation and root
 * field, and the refusal's code: enough to see someone probing what they may not do, and never
 * the values sent or the message (which may quote them). Processes without an actor in their
 * context (the gateway) log nothing here; the subgraph that refused does.
 */
export function refusedMutationLogPlugin<Context extends BaseContext>(logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, operation, operationName, errors }) {
          const actor = (contextValue as { actor?: unknown }).actor;
          if (operation?.operation !== OperationTypeNode.MUTATION || typeof actor !== 'string') return;
          for (const error of errors) {
            const code = error.extensions.code;
            // An error without a code is a fault, logged as one elsewhere; a refusal carries its code.
            if (typeof code !== 'string' || code === ErrorCode.INTERNAL_SERVER_ERROR) continue;
            logger.warn({ actor, operation: operationName ?? null, field: error.path?.[0] ?? null, code }, 'mutation refused');
          }
        },
      };
    },
  };
}
