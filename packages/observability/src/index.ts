export { createLogger, type Logger } from './logger.js';
export { collectProcessMetrics, Counter, Gauge, Histogram, metricsRegistry } from './metrics.js';
