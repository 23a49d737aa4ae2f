export { createLogger, type Logger } from './logger.js';
export { safeErrorMessage, serializeErrorSafely } from './safe-error.js';
export { collectProcessMetrics, Counter, Gauge, Histogram, metricsRegistry } from './metrics.js';
export { currentRequestScope, REQUEST_DEADLINE_HEADER, runInRequestScope, timeLeftMs, type RequestScope } from './request-scope.js';
