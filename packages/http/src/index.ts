export { startGraphqlServer, type GraphqlServerOptions, type RunningGraphqlServer } from './graphql-server.js';
export { requestIdOf } from './request-id.js';
export { deadlineOf, requestDeadline, type RequestDeadlineOptions } from './request-deadline.js';
export { onShutdownSignal } from './shutdown.js';
export { graphqlMetricsPlugin, operationLabel, recordGraphqlRequest } from './graphql-metrics-plugin.js';
