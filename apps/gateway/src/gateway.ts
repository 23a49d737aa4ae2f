import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import type { Identity } from '@trialgraph/auth';
import { currentRequestScope, REQUEST_DEADLINE_HEADER } from '@trialgraph/observability';
import type { SubgraphName } from './compose-supergraph.js';
import { schemaDirectory } from './compose-supergraph.js';
import { MeasuredDataSource } from './measured-data-source.js';

export interface GatewayContext {
  requestId: string;
  authorization: string | undefined;
  identity: Identity;
}

/**
 * Serves the committed supergraph (never introspected at run time), sending each subgraph
 * the caller's token, so subgraphs authorise for themselves, the request id, so one
 * request can be followed through the logs of every process, and the operation's deadline,
 * so a subgraph does not start work its caller will no longer wait for.
 */
export function readSupergraph(): string {
  return readFileSync(new URL('supergraph.graphql', schemaDirectory), 'utf8');
}

export function createGateway(supergraphSdl: string, subgraphUrls: Record<SubgraphName, string>, options: { subgraphTimeoutMs: number }): ApolloGateway {
  return new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new MeasuredDataSource<GatewayContext>(name, {
        timeoutMs: options.subgraphTimeoutMs,
        config: {
          // A supergraph may name a subgraph this gateway has no URL for: then its own URL.
          url: (subgraphUrls as Partial<Record<string, string>>)[name] ?? url,
          willSendRequest({ request, context: given }) {
            // Health checks and schema loads carry an empty context: only an operation has a caller.
            const context = given as Partial<GatewayContext>;
            if (context.requestId) request.http?.headers.set('x-request-id', context.requestId);
            if (context.authorization) request.http?.headers.set('authorization', context.authorization);
            const scope = currentRequestScope();
            if (scope) request.http?.headers.set(REQUEST_DEADLINE_HEADER, String(scope.deadline));
          },
        },
      }),
  });
}
