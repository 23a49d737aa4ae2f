import { onShutdownSignal, startGraphqlServer } from '@trialgraph/http';
import { createLogger } from '@trialgraph/observability';
import { loadGatewayConfig } from './config.js';
import { createGateway, readSupergraph, type GatewayContext } from './gateway.js';
import { checkSubgraphsReady, subgraphNamesIn } from './readiness.js';

const config = loadGatewayConfig();
const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
const production = config.NODE_ENV === 'production';
const subgraphUrls = { subjects: config.SUBJECTS_URL, vitals: config.VITALS_URL };
const supergraphSdl = readSupergraph();
const routedUrls = Object.fromEntries(
  subgraphNamesIn(supergraphSdl).map((name) => [name, subgraphUrls[name as keyof typeof subgraphUrls]]),
);

const server = await startGraphqlServer<GatewayContext>({
  port: config.PORT,
  logger,
  production,
  gateway: createGateway(supergraphSdl, subgraphUrls),
  sandbox: true,
  cors: { origin: config.CORS_ORIGINS ?? !production, credentials: false, maxAge: 600 },
  readiness: () => checkSubgraphsReady(routedUrls),
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  context: async ({ req, requestId }) => ({ requestId, authorization: req.headers.authorization }),
});
logger.info({ url: server.url, subgraphs: routedUrls }, `gateway listening; Apollo Sandbox at ${server.url}`);

onShutdownSignal({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, steps: [() => server.stop()] });
