import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { currentRequestScope } from '@trialgraph/observability';
import type { GraphQLFormattedError } from 'graphql';

/**
 * Every error a client sees carries the request's id in `extensions.requestId`, the id the logs of
 * every process hold for it (and `x-request-id` carries), so a user can quote it in a support request.
 */
export function withRequestId(formatted: GraphQLFormattedError, requestId: string | undefined): GraphQLFormattedError {
  if (!requestId) return formatted;
  return { ...formatted, extensions: { ...formatted.extensions, requestId } };
}

/**
 * Wraps a `formatError` so that errors formatted inside a request scope (the gateway's every
 * request; a subgraph's request that has a deadline) get their id, including those Apollo
 * answers before a context exists: an unreadable request, a refused token.
 */
export function formatErrorWithRequestId(
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => withRequestId(formatError(formatted, error), currentRequestScope()?.requestId);
}

/** The same for requests served outside a request scope (an upload to vitals), from the context's `requestId`. */
export function requestIdInErrorsPlugin<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const requestId = (contextValue as { requestId?: unknown }).requestId;
          if (response.body.kind !== 'single' || typeof requestId !== 'string') return;
          const result = response.body.singleResult;
          if (result.errors) result.errors = result.errors.map((error) => withRequestId(error, requestId));
        },
      };
    },
  };
}
