import { authenticateCaller, type TokenVerifier } from '@trialgraph/auth';
import { subgraphLimitsOf, type SubgraphLimits } from '@trialgraph/config';
import { startGraphqlServer, type RunningGraphqlServer } from '@trialgraph/http';
import type { Logger } from '@trialgraph/observability';
import type { ImportSettings, VitalsContext } from './context.js';
import type { VitalsDatabase } from './db/client.js';
import { createExportLinks } from './exports/export-link.js';
import { createVitalsExportRoute, DEFAULT_EXPORT_SETTINGS, VITALS_EXPORT_PATH, type ExportSettings } from './exports/export-route.js';
import { clientGoneSignal } from './imports/client-gone-signal.js';
import { discardUnreadUpload } from './imports/discard-unread-upload.js';
import type { ImportClaims } from './imports/import-claims.js';
import type { ImportRegistry } from './imports/import-registry.js';
import { createVitalsLoaders } from './loaders.js';
import { buildVitalsSchema } from './build-schema.js';
import type { ReadingPartitions } from './vitals/reading-partitions.js';
import { strictGraphqlUpload } from './strict-upload-request.js';
import { createSubjectsClient, type SubjectsCallPolicy } from './subjects-client.js';

export interface VitalsAppOptions {
  port: number;
  /** The address to listen on (HOST); loopback when omitted. */
  host?: string;
  db: VitalsDatabase;
  /** Made for this database (createReadingPartitions): how months of vital_signs are created. */
  readingPartitions: ReadingPartitions;
  ping: () => Promise<void>;
  logger: Logger;
  production: boolean;
  subjectsUrl: string;
  subjectsCallPolicy: SubjectsCallPolicy;
  imports: ImportRegistry;
  importClaims: ImportClaims;
  importSettings: ImportSettings;
  shutdownTimeoutMs: number;
  /** The latest deadline a request gets (SUBGRAPH_REQUEST_DEADLINE_MS). */
  requestDeadlineMs?: number;
  readinessTimeoutMs?: number;
  verifyToken: TokenVerifier;
  /** Operation limits, request timeouts and rows per request; the defaults when omitted. */
  limits?: SubgraphLimits;
  /** Export limits, and the key of export download links (none: links are refused). */
  exportSettings?: ExportSettings;
  exportLinkKey?: Buffer | undefined;
}

export async function startVitalsServer(options: VitalsAppOptions): Promise<RunningGraphqlServer> {
  const limits = options.limits ?? subgraphLimitsOf();
  const exportSettings = options.exportSettings ?? DEFAULT_EXPORT_SETTINGS;
  const exports = {
    links: options.exportLinkKey ? createExportLinks(options.exportLinkKey, exportSettings.linkTtlMs) : undefined,
    settings: exportSettings,
  };
  return startGraphqlServer<VitalsContext>({
    port: options.port,
    host: options.host,
    logger: options.logger,
    production: options.production,
    schema: buildVitalsSchema(),
    operationLimits: limits.operationLimits,
    timeouts: limits.timeouts,
    maxUploadBytes: options.importSettings.maxUploadBytes,
    readiness: options.ping,
    readinessTimeoutMs: options.readinessTimeoutMs,
    // An import runs for minutes under limits of its own, and when its client leaves it must still
    // record how it ended: uploads run outside the request deadline and its cancellation.
    requestDeadline:
      options.requestDeadlineMs === undefined ? undefined : { maxMs: options.requestDeadlineMs, exempt: (req) => Boolean(req.is('multipart/form-data')) },
    shutdownTimeoutMs: options.shutdownTimeoutMs,
    beforeGraphql: (app) => {
      app.get(
        VITALS_EXPORT_PATH,
        createVitalsExportRoute({
          db: options.db,
          verifyToken: options.verifyToken,
          links: exports.links,
          subjectsUrl: options.subjectsUrl,
          subjectsCallPolicy: options.subjectsCallPolicy,
          settings: exportSettings,
          logger: options.logger,
          production: options.production,
        }),
      );
      app.use(['/', '/graphql'], discardUnreadUpload);
      // Streams the file part to the resolver without a copy on disk; the import enforces the
      // size limit with a clear message, this one only stops what slips past it.
      app.use(
        ['/', '/graphql'],
        strictGraphqlUpload({ maxFiles: 1, maxFileSize: options.importSettings.maxUploadBytes + 1024 * 1024, maxFieldSize: 1024 * 1024 }),
      );
    },
    context: async ({ req, requestId }) => {
      const caller = await authenticateCaller(options.verifyToken, req.headers.authorization, { requestId, logger: options.logger });
      return {
        ...caller,
        db: options.db,
        readingPartitions: options.readingPartitions,
        loaders: createVitalsLoaders(options.db, caller.access, limits.maxRowsPerRequest),
        subjects: createSubjectsClient({ url: options.subjectsUrl, authorization: req.headers.authorization, requestId, policy: options.subjectsCallPolicy }),
        imports: options.imports,
        importClaims: options.importClaims,
        importSettings: options.importSettings,
        clientGone: clientGoneSignal(req),
        authorization: req.headers.authorization,
        exports,
      };
    },
  });
}
