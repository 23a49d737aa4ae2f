import { authenticateRequest, createTokenVerifier, mintToken, resolveVerifierOptionsOrExit } from '@trialgraph/auth';
import { onShutdownSignal, startGraphqlServer } from '@trialgraph/http';
import { collectProcessMetrics, createLogger } from '@trialgraph/observability';
import { loadGatewayConfig } from './config.js';
import { createEdgeProtection } from './edge-limits.js';
import { createGateway, readSupergraph, type GatewayContext } from './gateway.js';
import { checkSubgraphsReady, subgraphNamesIn } from './readiness.js';
import { createUploadPassThrough } from './upload-pass-through.js';

const config = loadGatewayConfig();
const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
collectProcessMetrics('gateway');
const production = config.NODE_ENV === 'production';
const subgraphUrls = { subjects: config.SUBJECTS_URL, vitals: config.VITALS_URL };
const supergraphSdl = readSupergraph();
const routedUrls = Object.fromEntries(
  subgraphNamesIn(supergraphSdl).map((name) => [name, subgraphUrls[name as keyof typeof subgraphUrls]]),
);

const verifierOptions = resolveVerifierOptionsOrExit(config, logger);
const verifyToken = createTokenVerifier(verifierOptions);
// With the development secret, Sandbox opens signed in as ADMIN so a first query just works.
const sandboxHeaders = verifierOptions.generatedSecret
  ? { Authorization: `Bearer ${await mintToken({ subject: 'sandbox-admin', roles: ['ADMIN'] }, { secret: verifierOptions.secret!, expiresIn: '12h' })}` }
  : undefined;
const edge = createEdgeProtection(
  {
    maxDepth: config.MAX_QUERY_DEPTH,
    maxAliases: config.MAX_QUERY_ALIASES,
    maxDirectives: config.MAX_QUERY_DIRECTIVES,
    maxTokens: config.MAX_QUERY_TOKENS,
    maxCost: config.MAX_QUERY_COST,
  },
  production,
);

const server = await startGraphqlServer<GatewayContext>({
  port: config.PORT,
  logger,
  production,
  gateway: createGateway(supergraphSdl, subgraphUrls),
  sandbox: true,
  sandboxHeaders,
  plugins: edge.plugins,
  validationRules: edge.validationRules,
  bodyLimit: config.MAX_REQUEST_BYTES,
  cors: { origin: config.CORS_ORIGINS ?? !production, credentials: false, maxAge: 600 },
  readiness: () => checkSubgraphsReady(routedUrls),
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  beforeGraphql: (app) => {
    app.post(['/', '/graphql'], createUploadPassThrough({
        vitalsUrl: config.VITALS_URL,
        maxUploadBytes: config.MAX_UPLOAD_BYTES,
        logger,
        authenticate: async (req) => void (await authenticateRequest(verifyToken, req.headers.authorization)),
      }));
  },
  // Verified here so a bad token is refused before any planning; subgraphs verify it again.
  context: async ({ req, requestId }) => {
    await authenticateRequest(verifyToken, req.headers.authorization);
    return { requestId, authorization: req.headers.authorization };
  },
});
// Uploads answer when the import is done, minutes for a large file: no overall request timeout.
server.httpServer.requestTimeout = 0;
logger.info({ url: server.url, subgraphs: routedUrls }, `gateway listening; Apollo Sandbox at ${server.url}`);

onShutdownSignal({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, steps: [() => server.stop()] });
