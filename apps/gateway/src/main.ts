import type { IncomingMessage } from 'node:http';
import { authenticateRequest, createTokenVerifier, mintToken, resolveVerifierOptionsOrExit, type Identity } from '@trialgraph/auth';
import { operationLimitsOf, requestTimeoutsOf } from '@trialgraph/config';
import { onShutdownSignal, startGraphqlServer } from '@trialgraph/http';
import { collectProcessMetrics, createLogger } from '@trialgraph/observability';
import { loadGatewayConfig } from './config.js';
import { createGateway, readSupergraph, type GatewayContext } from './gateway.js';
import { createOperationScope } from './operation-deadline.js';
import { rateLimitPlugin } from './rate-limit-plugin.js';
import { createRateLimiter } from './rate-limits.js';
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
const sandboxSecret = verifierOptions.generatedSecret ? verifierOptions.secret : undefined;
const sandboxHeaders = sandboxSecret
  ? { Authorization: `Bearer ${await mintToken({ subject: 'sandbox-admin', roles: ['ADMIN'] }, { secret: sandboxSecret, expiresIn: '12h' })}` }
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
  concurrentImports: config.RATE_LIMIT_CONCURRENT_IMPORTS,
  importSlotTtlMs: config.RATE_LIMIT_IMPORT_SLOT_TTL_MS,
  exemptRoles: config.RATE_LIMIT_EXEMPT_ROLES,
  redisUrl: config.REDIS_URL?.[0],
  redisTimeoutMs: config.RATE_LIMIT_REDIS_TIMEOUT_MS,
  keyPrefix: config.REDIS_KEY_PREFIX,
  logger,
});
const timeouts = requestTimeoutsOf(config);

const server = await startGraphqlServer<GatewayContext>({
  port: config.PORT,
  logger,
  production,
  gateway: createGateway(supergraphSdl, subgraphUrls, { subgraphTimeoutMs: config.SUBGRAPH_TIMEOUT_MS }),
  sandbox: true,
  sandboxHeaders,
  plugins: [rateLimitPlugin(rateLimiter)],
  operationLimits: operationLimitsOf(config),
  timeouts,
  maxUploadBytes: config.MAX_UPLOAD_BYTES,
  bodyLimit: config.MAX_REQUEST_BYTES,
  cors: { origin: config.CORS_ORIGINS ?? !production, credentials: false, maxAge: 600 },
  readiness: () => checkSubgraphsReady(routedUrls),
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  authenticateBeforeBody: identityOf,
  requestScope: createOperationScope(config.REQUEST_DEADLINE_MS),
  beforeGraphql: (app) => {
    app.post(['/', '/graphql'], createUploadPassThrough({
        vitalsUrl: config.VITALS_URL,
        maxUploadBytes: config.MAX_UPLOAD_BYTES,
        timeouts,
        responseTimeoutMs: config.UPLOAD_RESPONSE_TIMEOUT_MS,
        responseIdleMs: config.SUBGRAPH_TIMEOUT_MS,
        logger,
        takeImportSlot: async (req) => rateLimiter.takeImportSlot(await identityOf(req)),
      }));
  },
  context: async ({ req, requestId }) => ({ requestId, authorization: req.headers.authorization, identity: await identityOf(req) }),
});
logger.info({ url: server.url, subgraphs: routedUrls }, `gateway listening; Apollo Sandbox at ${server.url}`);

onShutdownSignal({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, steps: [() => server.stop(), () => rateLimiter.close()] });
