export { startGraphqlServer, type GraphqlServerOptions, type RunningGraphqlServer } from './graphql-server.js';
export { requestIdOf } from './request-id.js';
export { onShutdownSignal } from './shutdown.js';
export { graphqlMetricsPlugin, operationLabel, recordGraphqlRequest } from './graphql-metrics-plugin.js';
export { createOperationLimits, type OperationLimits } from './operation-limits.js';
export { operationCostEstimator, UNPAGED_LIST_SIZE } from './operation-cost.js';
export { applyServerTimeouts, boundRequestTime, isMultipart, UPLOAD_IDLE_BACKSTOP_MS, type RequestTimeouts } from './request-timeouts.js';
export { drainThenClose, refuseRequest, type DrainBound, type Refusal } from './refuse-request.js';
export { checkMultipartRequest, MultipartRefusal, type MultipartCheck, type MultipartPreamble } from './multipart-check.js';
