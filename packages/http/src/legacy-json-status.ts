import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ErrorCode } from '@trialgraph/graphql-kit';

/** The request errors of a document or its variables: it did not parse, validate or coerce. */
const REQUEST_ERROR_CODES = new Set<unknown>([ErrorCode.GRAPHQL_PARSE_FAILED, ErrorCode.GRAPHQL_VALIDATION_FAILED, ErrorCode.BAD_USER_INPUT]);

/** Whether the client asked for the legacy `application/json` response type and not `application/graphql-response+json`. */
function acceptsLegacyJsonOnly(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept
    .toLowerCase()
    .split(',')
    .map((part) => part.split(';')[0]?.trim());
  return types.includes('application/json') && !types.includes('application/graphql-response+json');
}

/**
 * The GraphQL over HTTP spec: a document that does not parse, validate or coerce answers 4xx in
 * `application/graphql-response+json` (what Apollo Client and graphql-request ask for, and what
 * a client that names no type gets here: 400 with the error's locations), but SHOULD answer 200
 * to a client that asks for `application/json` only, which reads the errors from the body. A
 * refusal by a limit (MAX_QUERY_TOKENS, MAX_QUERY_DEPTH, MAX_QUERY_COST…) is such an error too:
 * the spec's 200 holds for every GraphQL error of a well-formed request, and that client reads
 * `extensions.limit` from the body like any other error. Refusals that are not about the
 * document (UNAUTHENTICATED, RATE_LIMITED…) keep their status.
 */
export function legacyJsonStatusPlugin<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request }) {
      if (!acceptsLegacyJsonOnly(request.http?.headers.get('accept'))) return;
      return {
        async willSendResponse({ response }) {
          if (response.http.status !== 400 || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          const requestErrorsOnly =
            data === undefined && (errors ?? []).length > 0 && (errors ?? []).every((error) => REQUEST_ERROR_CODES.has(error.extensions?.code));
          if (requestErrorsOnly) response.http.status = 200;
        },
      };
    },
  };
}
