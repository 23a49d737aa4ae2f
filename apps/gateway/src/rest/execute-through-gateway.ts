import { ErrorCode } from '@trialgraph/graphql-kit';
import { Kind, OperationTypeNode, print, type DocumentNode, type ExecutionResult, type OperationDefinitionNode } from 'graphql';

/** Who is asking, as the REST request said it: passed on unchanged, so the gateway authenticates and limits it like any GraphQL request. */
export interface RestCaller {
  authorization: string | undefined;
  requestId: string | undefined;
}

/**
 * Runs a REST route's operation as a GraphQL request to this gateway's own endpoint: the same
 * token check, rate limits, operation limits, deadline, query plan and subgraph calls as any
 * client's request, so REST has no rule of its own to drift. `selfUrl` is known once the server listens.
 */
export function createGatewayExecutor(options: { selfUrl: () => string; timeoutMs: number }) {
  return async (args: {
    document: DocumentNode;
    variableValues?: Record<string, unknown> | null;
    operationName?: string | null;
    contextValue: unknown;
  }): Promise<ExecutionResult> => {
    const caller = args.contextValue as RestCaller;
    const response = await fetch(new URL('/graphql', options.selfUrl()), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(caller.authorization ? { authorization: caller.authorization } : {}),
        ...(caller.requestId ? { 'x-request-id': caller.requestId } : {}),
      },
      body: JSON.stringify({ query: print(args.document), variables: args.variableValues ?? {}, operationName: args.operationName ?? undefined }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const result = (await response.json()) as ExecutionResult & { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
    const retryAfter = response.headers.get('retry-after');
    if (result.errors?.length && retryAfter) {
      for (const error of result.errors) error.extensions = { retryAfterSeconds: Number(retryAfter), ...error.extensions };
    }
    if (!result.errors?.length && response.status >= 400) {
      return { errors: [{ message: `the gateway answered HTTP ${response.status}`, extensions: { code: ErrorCode.BAD_REQUEST } }] as never };
    }
    // A REST resource that is not there is a 404, where GraphQL answers null.
    const operation = args.document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
    const field = operation?.selectionSet.selections[0];
    if (
      !result.errors?.length &&
      operation?.operation === OperationTypeNode.QUERY &&
      field?.kind === Kind.FIELD &&
      result.data?.[field.alias?.value ?? field.name.value] === null
    ) {
      return {
        errors: [
          { message: `no ${field.name.value} ${JSON.stringify(args.variableValues ?? {})} that you may read`, extensions: { code: ErrorCode.NOT_FOUND } },
        ] as never,
      };
    }
    return result;
  };
}
