import { accessScopeOf, authenticateRequest, type TokenVerifier } from '@trialgraph/auth';
import { subgraphLimitsOf, type SubgraphLimits } from '@trialgraph/config';
import { startGraphqlServer, type RunningGraphqlServer } from '@trialgraph/http';
import type { Logger } from '@trialgraph/observability';
import type { ImportSettings, VitalsContext } from './context.js';
import type { VitalsDatabase } from './db/client.js';
import { discardUnreadUpload } from './imports/discard-unread-upload.js';
import type { ImportRegistry } from './imports/import-registry.js';
import { createVitalsLoaders } from './loaders.js';
import { buildVitalsSchema } from './server.js';
import { strictGraphqlUpload } from './strict-upload-request.js';
import { createSubjectsClient } from './subjects-client.js';

export interface VitalsAppOptions {
  port: number;
  db: VitalsDatabase;
  ping: () => Promise<void>;
  logger: Logger;
  production: boolean;
  subjectsUrl: string;
  imports: ImportRegistry;
  importSettings: ImportSettings;
  shutdownTimeoutMs: number;
  verifyToken: TokenVerifier;
  /** Operation limits, request timeouts and rows per request; the defaults when omitted. */
  limits?: SubgraphLimits;
}

export async function startVitalsServer(options: VitalsAppOptions): Promise<RunningGraphqlServer> {
  const limits = options.limits ?? subgraphLimitsOf();
  return startGraphqlServer<VitalsContext>({
    port: options.port,
    logger: options.logger,
    production: options.production,
    schema: buildVitalsSchema(),
    operationLimits: limits.operationLimits,
    timeouts: limits.timeouts,
    maxUploadBytes: options.importSettings.maxUploadBytes,
    readiness: options.ping,
    shutdownTimeoutMs: options.shutdownTimeoutMs,
    beforeGraphql: (app) => {
      app.use(['/', '/graphql'], discardUnreadUpload);
      // Streams the file part to the resolver without a copy on disk; the import enforces the
      // size limit with a clear message, this one only stops what slips past it.
      app.use(
        ['/', '/graphql'],
        strictGraphqlUpload({ maxFiles: 1, maxFileSize: options.importSettings.maxUploadBytes + 1024 * 1024, maxFieldSize: 1024 * 1024 }),
      );
    },
    context: async ({ req, requestId }) => {
      const identity = await authenticateRequest(options.verifyToken, req.headers.authorization);
      const scope = accessScopeOf(identity);
      return {
        db: options.db,
        loaders: createVitalsLoaders(options.db, scope, limits.maxRowsPerRequest),
        subjects: createSubjectsClient({ url: options.subjectsUrl, authorization: req.headers.authorization, requestId }),
        imports: options.imports,
        importSettings: options.importSettings,
        identity,
        scope,
        actor: identity.userId,
        requestId,
        logger: options.logger.child({ requestId }),
      };
    },
  });
}
