import { createTokenVerifier, resolveVerifierOptionsOrExit } from '@trialgraph/auth';
import { onShutdownSignal } from '@trialgraph/http';
import { subgraphLimitsOf } from '@trialgraph/config';
import { collectProcessMetrics, createLogger } from '@trialgraph/observability';
import { startVitalsServer } from './app.js';
import { loadVitalsConfig } from './config.js';
import { openVitalsDatabase } from './db/client.js';
import { ImportRegistry } from './imports/import-registry.js';
import { startInterruptedImportSweeper } from './imports/interrupted-import-sweeper.js';

const config = loadVitalsConfig();
const logger = createLogger({ service: 'vitals', level: config.LOG_LEVEL });

const verifierOptions = resolveVerifierOptionsOrExit(config, logger);
collectProcessMetrics('vitals');

const database = await openVitalsDatabase({ url: config.VITALS_DATABASE_URL, dataDir: config.DATA_DIR });
logger.info({ database: database.kind }, 'database ready, migrations applied');

const sweeper = await startInterruptedImportSweeper({ db: database.db, kind: database.kind, logger });
const imports = new ImportRegistry();
const server = await startVitalsServer({
  verifyToken: createTokenVerifier(verifierOptions),
  port: config.PORT,
  db: database.db,
  ping: database.ping,
  logger,
  production: config.NODE_ENV === 'production',
  subjectsUrl: config.SUBJECTS_URL,
  imports,
  importSettings: {
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
    batchSize: config.IMPORT_BATCH_SIZE,
    batchesInFlight: config.IMPORT_CONCURRENCY,
  },
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  limits: subgraphLimitsOf(config),
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
    () => database.close(),
  ],
});
