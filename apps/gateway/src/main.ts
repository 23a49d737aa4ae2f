import type { IncomingMessage } from 'node:http';
import { authenticateRequest, createTokenVerifier, mintToken, resolveVerifierOptionsOrExit, type Identity } from '@trialgraph/auth';
import { operationLimitsOf, requestTimeoutsOf } from '@trialgraph/config';
import { BROWSER_EXPOSED_HEADERS, LOCALHOST_ORIGINS, onShutdownSignal, startGraphqlServer } from '@trialgraph/http';
import { collectProcessMetrics, createLogger } from '@trialgraph/observability';
import { loadGatewayConfig, roleBudgetsOf } from './config.js';
import { GRAPHIQL_EXPLORER } from './explorer/graphiql-explorer.js';
import { createGateway, readSupergraph, type GatewayContext } from './gateway.js';
import { createOperationScope } from './operation-deadline.js';
import { rateLimitPlugin } from './rate-limit-plugin.js';
import { createRateLimiter } from './rate-limits.js';
import { checkSubgraphsReady, subgraphNamesIn } from './readiness.js';
import { mountExportRoutes } from './rest/export-routes.js';
import { mountRestApi } from './rest/rest-api.js';
import { createUploadPassThrough } from './upload-pass-through.js';

/** Within a day, like every development token (JWT_MAX_TTL_MS is 24 h by default). */
const SANDBOX_TOKEN_LIFETIME = '12h';

const config = loadGatewayConfig();
const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
collectProcessMetrics('gateway');
const production = config.NODE_ENV === 'production';
const subgraphUrls = { subjects: config.SUBJECTS_URL, vitals: config.VITALS_URL };
const supergraphSdl = readSupergraph();
const routedUrls = Object.fromEntries(subgraphNamesIn(supergraphSdl).map((name) => [name, subgraphUrls[name as keyof typeof subgraphUrls]]));

const verifierOptions = resolveVerifierOptionsOrExit(config, logger);
const verifyToken = createTokenVerifier(verifierOptions);
// With the development secret, Sandbox opens signed in as ADMIN so a first query just works: the
// token is minted for each page served to this machine (never to another host, see
// isLocalRequest) and lives half a day, not as long as the process.
const developmentSecret = verifierOptions.generatedSecret ? verifierOptions.secret : undefined;
const sandboxHeaders = developmentSecret
  ? async () => ({
      Authorization: `Bearer ${await mintToken({ subject: 'sandbox-admin', roles: ['ADMIN'] }, { secret: developmentSecret, expiresIn: SANDBOX_TOKEN_LIFETIME })}`,
    })
  : undefined;
// Verified once per request, from the headers, before the body is read; the context reuses it.
const identities = new WeakMap<IncomingMessage, Promise<Identity>>();
const identityOf = (req: IncomingMessage): Promise<Identity> => {
  let identity = identities.get(req);
  if (!identity) {
    identity = authenticateRequest(verifyToken, req.headers.authorization);
    identities.set(req, identity);
  }
  return identity;
};
const rateLimiter = createRateLimiter({
  windowMs: config.RATE_LIMIT_WINDOW_MS,
  reads: config.RATE_LIMIT_READS,
  mutations: config.RATE_LIMIT_MUTATIONS,
  roleBudgets: roleBudgetsOf(config),
  concurrentImports: config.RATE_LIMIT_CONCURRENT_IMPORTS,
  importSlotTtlMs: config.RATE_LIMIT_IMPORT_SLOT_TTL_MS,
  exemptRoles: config.RATE_LIMIT_EXEMPT_ROLES,
  redisUrl: config.REDIS_URL?.[0],
  redisTimeoutMs: config.RATE_LIMIT_REDIS_TIMEOUT_MS,
  keyPrefix: config.REDIS_KEY_PREFIX,
  logger,
});
const timeouts = requestTimeoutsOf(config);

// REST routes run their operations through this gateway's own GraphQL endpoint, known once it listens.
let selfUrl = `http://127.0.0.1:${config.PORT}/`;
const server = await startGraphqlServer<GatewayContext>({
  port: config.PORT,
  host: config.HOST,
  logger,
  production,
  gateway: createGateway(supergraphSdl, subgraphUrls, { subgraphTimeoutMs: config.SUBGRAPH_TIMEOUT_MS }),
  sandbox: true,
  sandboxHeaders,
  localExplorer: GRAPHIQL_EXPLORER,
  plugins: [rateLimitPlugin(rateLimiter)],
  operationLimits: operationLimitsOf(config),
  timeouts,
  maxUploadBytes: config.MAX_UPLOAD_BYTES,
  bodyLimit: config.MAX_REQUEST_BYTES,
  // Unset CORS_ORIGINS: pages of this machine only in development, no browser origin in production.
  cors: {
    origin: config.CORS_ORIGINS ?? (production ? false : [...LOCALHOST_ORIGINS]),
    credentials: false,
    maxAge: 600,
    exposedHeaders: [...BROWSER_EXPOSED_HEADERS],
  },
  readiness: () => checkSubgraphsReady(routedUrls),
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  authenticateBeforeBody: identityOf,
  requestScope: createOperationScope(config.REQUEST_DEADLINE_MS),
  beforeGraphql: (app) => {
    mountExportRoutes(app, {
      vitalsUrl: config.VITALS_URL,
      subgraphTimeoutMs: config.SUBGRAPH_TIMEOUT_MS,
      identityOf,
      spendRead: (identity) => rateLimiter.spend(identity, 'read'),
      logger,
    });
    mountRestApi(app, {
      supergraphSdl,
      selfUrl: () => selfUrl,
      vitalsUrl: config.VITALS_URL,
      timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
      uploadResponseTimeoutMs: config.UPLOAD_RESPONSE_TIMEOUT_MS,
      maxRequestBytes: config.MAX_REQUEST_BYTES,
      logger,
    });
    app.post(
      ['/', '/graphql'],
      createUploadPassThrough({
        vitalsUrl: config.VITALS_URL,
        maxUploadBytes: config.MAX_UPLOAD_BYTES,
        timeouts,
        responseTimeoutMs: config.UPLOAD_RESPONSE_TIMEOUT_MS,
        responseIdleMs: config.SUBGRAPH_TIMEOUT_MS,
        logger,
        takeImportSlot: async (req) => rateLimiter.takeImportSlot(await identityOf(req)),
      }),
    );
  },
  context: async ({ req, requestId }) => ({ requestId, authorization: req.headers.authorization, identity: await identityOf(req) }),
});
selfUrl = `http://127.0.0.1:${server.port}/`;
logger.info({ url: server.url, subgraphs: routedUrls }, `gateway listening; Apollo Sandbox at ${server.url}`);

onShutdownSignal({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, steps: [() => server.stop(), () => rateLimiter.close()] });
