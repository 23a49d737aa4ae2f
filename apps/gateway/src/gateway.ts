import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import type { SubgraphName } from './compose-supergraph.js';
import { schemaDirectory } from './compose-supergraph.js';
import { MeasuredDataSource } from './measured-data-source.js';

export interface GatewayContext {
  requestId: string;
  authorization: string | undefined;
}

/**
 * Serves the committed supergraph (never introspected at run time), sending each subgraph
 * the caller's token, so subgraphs authorise for themselves, and the request id, so one
 * request can be followed through the logs of every process.
 */
export function readSupergraph(): string {
  return readFileSync(new URL('supergraph.graphql', schemaDirectory), 'utf8');
}

export function createGateway(supergraphSdl: string, subgraphUrls: Record<SubgraphName, string>): ApolloGateway {
  return new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new MeasuredDataSource<GatewayContext>(name, {
        url: subgraphUrls[name as SubgraphName] ?? url,
        willSendRequest({ request, context }) {
          if (context.requestId) request.http?.headers.set('x-request-id', context.requestId);
          if (context.authorization) request.http?.headers.set('authorization', context.authorization);
        },
      }),
  });
}
