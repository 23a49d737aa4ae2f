import { onShutdownSignal, startGraphqlServer } from '@trialgraph/http';
import { createLogger } from '@trialgraph/observability';
import { loadGatewayConfig } from './config.js';
import { createGateway, readSupergraph, type GatewayContext } from './gateway.js';
import { checkSubgraphsReady, subgraphNamesIn } from './readiness.js';
import { createUploadPassThrough } from './upload-pass-through.js';

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
  beforeGraphql: (app) => {
    app.post(['/', '/graphql'], createUploadPassThrough({ vitalsUrl: config.VITALS_URL, maxUploadBytes: config.MAX_UPLOAD_BYTES, logger }));
  },
  context: async ({ req, requestId }) => ({ requestId, authorization: req.headers.authorization }),
});
// Uploads answer when the import is done, minutes for a large file: no overall request timeout.
server.httpServer.requestTimeout = 0;
logger.info({ url: server.url, subgraphs: routedUrls }, `gateway listening; Apollo Sandbox at ${server.url}`);

onShutdownSignal({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, steps: [() => server.stop()] });
