import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { asRefinedStatus, createErrorFormatter, ErrorCode, isErrorCode } from '@trialgraph/graphql-kit';
import { metricsRegistry, runInRequestScope, serializeErrorSafely, type Logger, type RequestScope } from '@trialgraph/observability';
import cors, { type CorsOptions } from 'cors';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import { pinoHttp } from 'pino-http';
import { graphqlMetricsPlugin, recordGraphqlRequest, UNKNOWN_OPERATION } from './graphql-metrics-plugin.js';
import { createOperationLimits, type OperationLimits } from './operation-limits.js';
import { legacyJsonStatusPlugin } from './legacy-json-status.js';
import { NoSubscriptionsRule } from './no-subscriptions-rule.js';
import { refuseRequest, type DrainBound } from './refuse-request.js';
import { refusedMutationLogPlugin } from './refused-mutation-log.js';
import { requestDeadline, type RequestDeadlineOptions } from './request-deadline.js';
import { mountExplorerPages, type LocalExplorer } from './explorer-pages.js';
import { requestIdOf } from './request-id.js';
import { formatErrorWithRequestId, requestIdInErrorsPlugin } from './request-id-in-errors.js';
import { applyServerTimeouts, boundRequestTime, isMultipart, type RequestTimeouts } from './request-timeouts.js';

/** Part of the shutdown budget kept for closing database and Redis connections after the HTTP drain. */
const CLOSE_RESERVE_MS = 1_000;

export interface GraphqlServerOptions<Context extends BaseContext> {
  port: number;
  host?: string;
  logger: Logger;
  production: boolean;
  schema?: GraphQLSchema;
  gateway?: GatewayInterface;
  plugins?: ApolloServerPlugin<Context>[];
  /** Serve Apollo Sandbox at GET / (the gateway does; subgraphs are reached through it). */
  sandbox?: boolean;
  /**
   * Headers Sandbox and the local explorer start with, e.g. a development token, so a first query
   * works as is: asked for each page, and only for a request from this machine (see
   * isLocalRequest); others get the page without them.
   */
  sandboxHeaders?: () => Promise<Record<string, string>>;
  /** An explorer served by this process (GraphiQL), for networks that cannot load Sandbox from Apollo's CDN; with Sandbox only. */
  localExplorer?: LocalExplorer;
  /** Bounds on every operation (MAX_QUERY_*), the same at the gateway and in each subgraph. */
  operationLimits: OperationLimits;
  /** How long a client may take to send headers and body (HEADERS_TIMEOUT_MS, REQUEST_BODY_TIMEOUT_MS, UPLOAD_IDLE_TIMEOUT_MS). */
  timeouts: RequestTimeouts;
  /** The largest upload a multipart route accepts: a refused upload is read and discarded up to this before the connection closes. */
  maxUploadBytes?: number;
  /**
   * Checks the caller from the headers alone, before the body is read, so that a client without
   * a valid token cannot hold a connection open by trickling a body; throws a GraphQLError to refuse.
   */
  authenticateBeforeBody?: (req: Request) => Promise<unknown>;
  /** The deadline and abort signal of a GraphQL request, run around its execution (see @trialgraph/observability). */
  requestScope?: (req: Request, res: Response) => RequestScope;
  context: (args: { req: Request; requestId: string }) => Promise<Context>;
  /** Browser access (CORS); unset: no CORS headers at all, as for a subgraph, which browsers never call. */
  cors?: CorsOptions;
  /** Throws when a dependency is unreachable; backs GET /readyz. */
  readiness: () => Promise<void>;
  /** How long GET /readyz waits for `readiness` before answering 503 (READINESS_TIMEOUT_MS); unset: as long as `readiness` takes. */
  readinessTimeoutMs?: number;
  /** Give each GraphQL request a deadline and a scope that ends with it (see request-deadline.ts); subgraphs set it. */
  requestDeadline?: RequestDeadlineOptions;
  /** Routes that must run before the GraphQL handler, e.g. the upload pass-through. */
  beforeGraphql?: (app: Express) => void;
  bodyLimit?: string | number;
  /** How long in-flight requests may take to finish once shutdown starts. */
  shutdownTimeoutMs: number;
}

export interface RunningGraphqlServer {
  url: string;
  port: number;
  httpServer: http.Server;
  /** Stops accepting connections, lets in-flight requests finish within the timeout, then closes. */
  stop(): Promise<void>;
}

/** Hosts an Apollo server (a subgraph or the gateway) on Express with health checks and request logs. */
export async function startGraphqlServer<Context extends BaseContext>(options: GraphqlServerOptions<Context>): Promise<RunningGraphqlServer> {
  const app = express();
  app.disable('x-powered-by');
  // Node checks header deadlines on this interval (30 s by default), so a 10 s bound would hold for up to 40 s.
  const httpServer = http.createServer({ connectionsCheckingInterval: Math.min(1_000, options.timeouts.headersMs) }, app);
  applyServerTimeouts(httpServer, options.timeouts);
  const limits = createOperationLimits<Context>(options.operationLimits, {
    server: options.gateway ? 'gateway' : 'subgraph',
    production: options.production,
  });
  const formatApiError = createErrorFormatter({
    production: options.production,
    logUnexpected: (error, formatted) => options.logger.error({ err: error, path: formatted.path }, 'unexpected error'),
  });
  const apollo = new ApolloServer<Context>({
    ...(options.gateway ? { gateway: options.gateway } : { schema: options.schema as GraphQLSchema }),
    introspection: !options.production,
    validationRules: [...limits.validationRules, NoSubscriptionsRule],
    parseOptions: limits.parseOptions,
    includeStacktraceInErrorResponses: false,
    // A subgraph answers a bad variable (an invalid DateTime…) as BAD_USER_INPUT in a 200, like
    // any other bad input: the gateway turns a subgraph's HTTP 400 into INTERNAL_SERVER_ERROR.
    status400ForVariableCoercionErrors: Boolean(options.gateway),
    // The process's own shutdown sequence owns the signals (see onShutdownSignal).
    stopOnTerminationSignals: false,
    formatError: formatErrorWithRequestId((formatted, error) => formatApiError(limits.describeLimit(formatted), error)),
    logger: options.logger,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: Math.max(0, options.shutdownTimeoutMs - CLOSE_RESERVE_MS) }),
      // Sandbox, when served, is served by the route below, which knows who asks for it.
      ApolloServerPluginLandingPageDisabled(),
      // Inline traces feed Apollo Studio, which this deployment does not use.
      ...(options.gateway ? [] : [ApolloServerPluginInlineTraceDisabled()]),
      graphqlMetricsPlugin<Context>(),
      refusedMutationLogPlugin<Context>(options.logger),
      requestIdInErrorsPlugin<Context>(),
      legacyJsonStatusPlugin<Context>(),
      ...limits.plugins,
      ...(options.plugins ?? []),
    ],
  });
  await apollo.start();

  app.use(
    pinoHttp({
      logger: options.logger,
      genReqId: (req, res) => {
        const id = requestIdOf(req);
        res.setHeader('x-request-id', id);
        return id;
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: serializeErrorSafely,
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
    }),
  );
  // Unauthenticated, like the health checks: Prometheus scrapes it from inside the network.
  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', metricsRegistry.contentType);
    res.send(await metricsRegistry.metrics());
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Probes come every few seconds (and a launcher polls faster while the stack starts): log a
  // change of state, not every probe. Not being ready before the first success is how a process
  // starts, so it is not worth a warning.
  let readiness: 'starting' | 'ready' | 'unready' = 'starting';
  app.get('/readyz', async (_req, res) => {
    try {
      const check = options.readiness();
      await (options.readinessTimeoutMs === undefined ? check : settleWithin(check, options.readinessTimeoutMs));
      if (readiness === 'unready') options.logger.info('ready again');
      readiness = 'ready';
      res.json({ status: 'ready' });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (readiness === 'ready') {
        options.logger.warn({ reason }, 'not ready');
        readiness = 'unready';
      } else {
        options.logger.debug({ reason }, 'not ready yet');
      }
      res.status(503).json({ status: 'unavailable', reason });
    }
  });
  const bodyLimit = options.bodyLimit ?? '1mb';
  app.use(['/', '/graphql'], boundRequestTime(options.timeouts), ...(options.cors ? [cors(options.cors)] : []));
  if (options.sandbox && !options.production) {
    mountExplorerPages(app, { startingHeaders: options.sandboxHeaders, localExplorer: options.localExplorer });
  }
  const authenticate = options.authenticateBeforeBody;
  if (authenticate) {
    app.post(['/', '/graphql'], async (req, res, next) => {
      try {
        await authenticate(req);
        next();
      } catch (error) {
        const extensions = (error as { extensions?: { code?: unknown } }).extensions;
        const maxBytes = isMultipart(req) ? (options.maxUploadBytes ?? 0) : typeof bodyLimit === 'number' ? bodyLimit : 1024 * 1024;
        const code = isErrorCode(extensions?.code) ? extensions.code : ErrorCode.UNAUTHENTICATED;
        // Refused outside Apollo, so counted here as Apollo counts a context that fails.
        recordGraphqlRequest({ operation: UNKNOWN_OPERATION, errorCodes: [code] });
        refuseRequest(req, res, { code, message: (error as Error).message }, { maxBytes, maxMs: options.timeouts.bodyMs });
      }
    });
  }
  options.beforeGraphql?.(app);
  const requestScope = options.requestScope;
  app.use(
    ['/', '/graphql'],
    express.json({ limit: bodyLimit }),
    // After the body is read: stream callbacks would not carry the scope's async context.
    (req: Request, res: Response, next: NextFunction) => (requestScope ? runInRequestScope(requestScope(req, res), next) : next()),
    ...(options.requestDeadline ? [requestDeadline(options.requestDeadline)] : []),
    expressMiddleware(apollo, {
      // genReqId above sets every request's id to a string.
      context: async ({ req }) => options.context({ req, requestId: req.id as string }),
    }),
  );
  app.use(refuseUnreadableBody({ maxBytes: options.maxUploadBytes ?? 1024 * 1024, maxMs: options.timeouts.bodyMs }));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}/`,
    port,
    httpServer,
    stop: () => apollo.stop(),
  };
}

/**
 * `check`, or a rejection once `timeoutMs` passes without an answer: a readiness probe must
 * answer even when a dependency hangs, or the orchestrator cannot tell a stuck process from a slow one.
 */
async function settleWithin(check: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from its dependencies within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check, expired]);
  } finally {
    clearTimeout(timer);
    check.catch(() => {});
  }
}

/**
 * Express answers a body it cannot read (too large, not JSON, a multipart body against the
 * spec) with an HTML page; a GraphQL client needs the same JSON error shape as every other
 * refusal, and a client still sending needs its body drained to read it.
 */
function refuseUnreadableBody(drain: DrainBound) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    const bodyError = error as { type?: string; status?: number; limit?: number; expose?: boolean; message?: string };
    if (res.headersSent || typeof bodyError.status !== 'number' || bodyError.status >= 500) return next(error);
    const message =
      bodyError.type === 'entity.too.large'
        ? `the request body is larger than the ${bodyError.limit ?? ''}-byte limit; send a smaller query`
        : bodyError.type === 'entity.parse.failed' || !bodyError.expose || !bodyError.message
          ? 'the request body is not valid JSON'
          : bodyError.message;
    req.unpipe();
    const refined = asRefinedStatus(bodyError.status);
    refuseRequest(req, res, { code: ErrorCode.BAD_REQUEST, message, ...(refined === undefined ? {} : { status: refined }) }, drain);
  };
}
