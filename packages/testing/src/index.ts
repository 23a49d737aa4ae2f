export { appEntry, freePort, startApp, type AppName, type AppProcess } from './app-process.js';
export { errorCodes, graphqlRequest, type GraphqlResponse } from './graphql-client.js';
export { startRedisServer, type RedisServer } from './redis-server.js';
export { createTestDatabase, TEST_POSTGRES_URL, type TestDatabase } from './test-database.js';
export { adminHeaders, authHeaders, TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET, testToken } from './test-tokens.js';
export { metricValue, parsePrometheusText, scrapeMetrics, type MetricSample, type MetricsScrape } from './prometheus-text.js';
export { waitFor } from './wait-for.js';
export { createPostgresCluster, type PostgresCluster } from './postgres-cluster.js';
