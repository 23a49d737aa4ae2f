export { startGraphqlServer, type GraphqlServerOptions, type RunningGraphqlServer } from './graphql-server.js';
export { requestIdOf } from './request-id.js';
export { onShutdownSignal } from './shutdown.js';
