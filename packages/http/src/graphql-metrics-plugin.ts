import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';
import { ErrorCode } from '@trialgraph/graphql-kit';
import { Counter, Histogram, metricsRegistry } from '@trialgraph/observability';
import { getOperationAST, type GraphQLFormattedError } from 'graphql';

/**
 * Per-operation request, error and latency metrics of one process, for the gateway and the
 * subgraphs alike. Labels are operation names and error codes, never query text or ids, so
 * the series stay few; past MAX_OPERATIONS distinct names the rest count as "(other)".
 */
const MAX_OPERATIONS = 200;
/** GraphQL names cannot contain parentheses, so these never collide with a real operation. */
export const ANONYMOUS_OPERATION = '(anonymous)';
export const UNKNOWN_OPERATION = '(unknown)';
export const OTHER_OPERATION = '(other)';

const requests = new Counter({
  name: 'trialgraph_graphql_requests_total',
  help: 'GraphQL requests answered, by operation name',
  labelNames: ['operation'],
  registers: [metricsRegistry],
});

const errors = new Counter({
  name: 'trialgraph_graphql_errors_total',
  help: 'Errors in GraphQL responses, by operation name and extensions.code (one per error)',
  labelNames: ['operation', 'code'],
  registers: [metricsRegistry],
});

const duration = new Histogram({
  name: 'trialgraph_graphql_request_duration_seconds',
  help: 'Time from receiving a GraphQL request to sending its response, by operation name',
  labelNames: ['operation'],
  // Imports answer when the whole file is stored, so the buckets reach ten minutes.
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  registers: [metricsRegistry],
});

const seenOperations = new Set<string>();

/** The label for an operation name, bounded so a client cannot create series without end. */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return ANONYMOUS_OPERATION;
  if (seenOperations.has(name)) return name;
  if (seenOperations.size >= MAX_OPERATIONS) return OTHER_OPERATION;
  seenOperations.add(name);
  return name;
}

function codeOf(error: object): string {
  const code = (error as { extensions?: Record<string, unknown> }).extensions?.code;
  return typeof code === 'string' ? code : ErrorCode.INTERNAL_SERVER_ERROR;
}

/** Counts one request answered outside Apollo's pipeline (e.g. the gateway's upload pass-through). */
export function recordGraphqlRequest(options: { operation: string; durationSeconds?: number; errorCodes?: readonly string[] }): void {
  requests.inc({ operation: options.operation });
  for (const code of options.errorCodes ?? []) errors.inc({ operation: options.operation, code });
  if (options.durationSeconds !== undefined) duration.observe({ operation: options.operation }, options.durationSeconds);
}

function responseErrors(context: GraphQLRequestContext<BaseContext>): readonly GraphQLFormattedError[] {
  const body = context.response.body;
  if (!body) return [];
  if (body.kind === 'single') return body.singleResult.errors ?? [];
  return body.initialResult.errors ?? [];
}

export function graphqlMetricsPlugin<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(context) {
          // operationName is set once the operation resolves; a document that fails validation
          // still names it, and when it does not parse only the name the client sent is known.
          const named = context.document ? getOperationAST(context.document, context.request.operationName)?.name?.value : undefined;
          const operation = operationLabel(context.operationName ?? named ?? context.request.operationName);
          recordGraphqlRequest({
            operation,
            durationSeconds: Number(process.hrtime.bigint() - started) / 1e9,
            errorCodes: responseErrors(context as GraphQLRequestContext<BaseContext>).map(codeOf),
          });
        },
      };
    },
    // Refused before the request pipeline (no operation is known yet): counted, not timed.
    async contextCreationDidFail({ error }) {
      recordGraphqlRequest({ operation: UNKNOWN_OPERATION, errorCodes: [codeOf(error)] });
    },
    async invalidRequestWasReceived({ error }) {
      recordGraphqlRequest({ operation: UNKNOWN_OPERATION, errorCodes: [codeOf(error)] });
    },
  };
}
