import { createTokenVerifier, resolveVerifierOptionsOrExit } from '@trialgraph/auth';
import { databaseLimitsOf } from '@trialgraph/database';
import { onShutdownSignal } from '@trialgraph/http';
import { subgraphLimitsOf } from '@trialgraph/config';
import { collectProcessMetrics, createLogger } from '@trialgraph/observability';
import { startVitalsServer } from './http-server.js';
import { loadVitalsConfig } from './config.js';
import { openVitalsDatabase } from './db/client.js';
import { exportLinkKey } from './exports/export-link.js';
import { openImportClaims, processLocalClaims } from './imports/import-claims.js';
import { ImportRegistry } from './imports/import-registry.js';
import { startInterruptedImportSweeper } from './imports/interrupted-import-sweeper.js';
import { UploadSpool } from './imports/upload-spool.js';
import { createReadingPartitions } from './vitals/reading-partitions.js';
import { startVitalSignCountCompactor } from './vitals/vital-sign-count-compactor.js';

const config = loadVitalsConfig();
const logger = createLogger({ service: 'vitals', level: config.LOG_LEVEL });

const verifierOptions = resolveVerifierOptionsOrExit(config, logger);
collectProcessMetrics('vitals');

const exportLinkSecret = config.EXPORT_LINK_SECRET ?? verifierOptions.secret;
if (!exportLinkSecret)
  logger.warn('no EXPORT_LINK_SECRET (and no JWT_SECRET to derive one from): vitalsExport download links are off; exports need a bearer token');

const database = await openVitalsDatabase({ url: config.VITALS_DATABASE_URL, dataDir: config.DATA_DIR, limits: databaseLimitsOf(config) });
logger.info({ database: database.kind }, 'database ready, migrations applied');

await UploadSpool.check(config.IMPORT_SPOOL_DIR);
const imports = new ImportRegistry({
  maxConcurrentImports: config.MAX_CONCURRENT_IMPORTS,
  databaseConnections: config.IMPORT_DATABASE_CONNECTIONS,
});
const importClaims = config.VITALS_DATABASE_URL ? openImportClaims(config.VITALS_DATABASE_URL) : processLocalClaims;
const sweeper = await startInterruptedImportSweeper({
  db: database.db,
  kind: database.kind,
  claims: importClaims,
  runningIds: () => imports.runningIds(),
  logger,
});
const countCompactor = startVitalSignCountCompactor({ db: database.db, logger, intervalMs: config.VITAL_COUNTS_COMPACTION_INTERVAL_MS });
const server = await startVitalsServer({
  verifyToken: createTokenVerifier(verifierOptions),
  port: config.PORT,
  host: config.HOST,
  db: database.db,
  readingPartitions: createReadingPartitions({ db: database.db, kind: database.kind }),
  ping: database.ping,
  logger,
  production: config.NODE_ENV === 'production',
  subjectsUrl: config.SUBJECTS_URL,
  subjectsCallPolicy: {
    timeoutMs: config.SUBJECTS_CALL_TIMEOUT_MS,
    retries: config.SUBJECTS_CALL_RETRIES,
    backoffMs: config.SUBJECTS_RETRY_BACKOFF_MS,
  },
  imports,
  importClaims,
  importSettings: {
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
    batchSize: config.IMPORT_BATCH_SIZE,
    batchesInFlight: config.IMPORT_PIPELINE_DEPTH,
    maxBatchBytes: config.MAX_IMPORT_BATCH_BYTES,
    uploadIdleTimeoutMs: config.UPLOAD_IDLE_TIMEOUT_MS,
    spoolDir: config.IMPORT_SPOOL_DIR,
    maxErrorBytes: config.MAX_IMPORT_ERROR_BYTES,
    maxErrorTextChars: config.MAX_IMPORT_ERROR_TEXT_CHARS,
    subjectCacheEntries: config.IMPORT_SUBJECT_CACHE_ENTRIES,
  },
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  requestDeadlineMs: config.SUBGRAPH_REQUEST_DEADLINE_MS,
  readinessTimeoutMs: config.READINESS_TIMEOUT_MS,
  limits: subgraphLimitsOf(config),
  exportSettings: { maxReadings: config.MAX_EXPORT_READINGS, idleTimeoutMs: config.EXPORT_IDLE_TIMEOUT_MS, linkTtlMs: config.EXPORT_LINK_TTL_MS },
  exportLinkKey: exportLinkSecret ? exportLinkKey(exportLinkSecret) : undefined,
});
logger.info({ url: server.url }, 'vitals subgraph listening');

onShutdownSignal({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: [
    // Imports get most of the grace period; what cannot finish rolls back and ends INTERRUPTED,
    // which the HTTP drain then lets reach the client.
    () => Promise.all([imports.stop(Math.max(0, config.SHUTDOWN_TIMEOUT_MS - 2_000)), server.stop()]),
    async () => sweeper.stop(),
    () => countCompactor.stop(),
    () => Promise.all([importClaims.close(), database.close()]),
  ],
});
