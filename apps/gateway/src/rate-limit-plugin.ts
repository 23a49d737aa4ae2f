import type { ApolloServerPlugin } from '@apollo/server';
import { OperationTypeNode } from 'graphql';
import type { GatewayContext } from './gateway.js';
import type { RateLimiter } from './rate-limits.js';

/**
 * Spends the caller's read or mutation budget once the operation is known and before anything
 * is planned or executed: an operation over budget is answered 429 with Retry-After.
 */
export function rateLimitPlugin(limiter: RateLimiter): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          await limiter.spend(contextValue.identity, operation?.operation === OperationTypeNode.MUTATION ? 'mutation' : 'read');
        },
      };
    },
  };
}
