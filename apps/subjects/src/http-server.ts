import { authenticateRequest, callerContext, type Identity, type TokenVerifier } from '@trialgraph/auth';
import { subgraphLimitsOf, type SubgraphLimits } from '@trialgraph/config';
import { startGraphqlServer, type RunningGraphqlServer } from '@trialgraph/http';
import type { Logger } from '@trialgraph/observability';
import type { SubjectsContext } from './context.js';
import type { SubjectsDatabase } from './db/client.js';
import { createSubjectsLoaders } from './loaders.js';
import { buildSubjectsSchema } from './build-schema.js';
import type { SubjectNumberLock } from './subjects/subject-number-lock.js';

export interface SubjectsAppOptions {
  port: number;
  /** The address to listen on (HOST); loopback when omitted. */
  host?: string;
  db: SubjectsDatabase;
  ping: () => Promise<void>;
  logger: Logger;
  production: boolean;
  numberLock: SubjectNumberLock;
  shutdownTimeoutMs: number;
  /** The latest deadline a request gets (SUBGRAPH_REQUEST_DEADLINE_MS). */
  requestDeadlineMs?: number;
  readinessTimeoutMs?: number;
  verifyToken: TokenVerifier;
  /** Operation limits, request timeouts and rows per request; the defaults when omitted. */
  limits?: SubgraphLimits;
}

/** Builds the per-request context and serves the subgraph over HTTP. */
export function createContextFactory(options: Pick<SubjectsAppOptions, 'db' | 'logger' | 'numberLock' | 'limits'>) {
  const maxRows = (options.limits ?? subgraphLimitsOf()).maxRowsPerRequest;
  return (requestId: string, identity: Identity): SubjectsContext => ({
    ...callerContext(identity, { requestId, logger: options.logger }),
    db: options.db,
    loaders: createSubjectsLoaders(options.db, maxRows),
    numberLock: options.numberLock,
  });
}

export function startSubjectsServer(options: SubjectsAppOptions): Promise<RunningGraphqlServer> {
  const contextFor = createContextFactory(options);
  const limits = options.limits ?? subgraphLimitsOf();
  return startGraphqlServer<SubjectsContext>({
    port: options.port,
    host: options.host,
    logger: options.logger,
    production: options.production,
    schema: buildSubjectsSchema(),
    operationLimits: limits.operationLimits,
    timeouts: limits.timeouts,
    readiness: options.ping,
    readinessTimeoutMs: options.readinessTimeoutMs,
    requestDeadline: options.requestDeadlineMs === undefined ? undefined : { maxMs: options.requestDeadlineMs },
    shutdownTimeoutMs: options.shutdownTimeoutMs,
    context: async ({ req, requestId }) => contextFor(requestId, await authenticateRequest(options.verifyToken, req.headers.authorization)),
  });
}
