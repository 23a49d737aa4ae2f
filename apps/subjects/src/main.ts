import { createTokenVerifier, resolveVerifierOptionsOrExit, SYSTEM_IDENTITY } from '@trialgraph/auth';
import { databaseLimitsOf } from '@trialgraph/database';
import { subgraphLimitsOf } from '@trialgraph/config';
import { onShutdownSignal } from '@trialgraph/http';
import { collectProcessMetrics, createLogger } from '@trialgraph/observability';
import { createContextFactory, startSubjectsServer } from './http-server.js';
import { loadSubjectsConfig } from './config.js';
import { openSubjectsDatabase } from './db/client.js';
import { seedDemoData } from './seed-demo-data.js';
import { openSubjectNumberLock } from './subjects/open-subject-number-lock.js';
import { setTestOnlyAllocationDelay } from './subjects/test-only-allocation-delay.js';

const config = loadSubjectsConfig();
const logger = createLogger({ service: 'subjects', level: config.LOG_LEVEL });

const verifierOptions = resolveVerifierOptionsOrExit(config, logger);
collectProcessMetrics('subjects');

const database = await openSubjectsDatabase({ url: config.SUBJECTS_DATABASE_URL, dataDir: config.DATA_DIR, limits: databaseLimitsOf(config) });
logger.info({ database: database.kind }, 'database ready, migrations applied');

const numberLock = openSubjectNumberLock({
  redisUrls: config.REDIS_URL,
  keyPrefix: config.REDIS_KEY_PREFIX,
  ttlMs: config.SUBJECT_LOCK_TTL_MS,
  waitMs: config.SUBJECT_LOCK_WAIT_MS,
  logger,
});
if (config.TEST_ONLY_ALLOCATION_DELAY_MS > 0) {
  setTestOnlyAllocationDelay(config.TEST_ONLY_ALLOCATION_DELAY_MS);
  logger.warn({ delayMs: config.TEST_ONLY_ALLOCATION_DELAY_MS }, 'TEST_ONLY_ALLOCATION_DELAY_MS is set: every createSubject is slowed on purpose');
}

if (
  config.SEED_DEMO_DATA &&
  (await seedDemoData(createContextFactory({ db: database.db, logger, numberLock, limits: subgraphLimitsOf(config) })('seed', SYSTEM_IDENTITY)))
) {
  logger.info('seeded the demo study CARD01');
}

const server = await startSubjectsServer({
  verifyToken: createTokenVerifier(verifierOptions),
  port: config.PORT,
  host: config.HOST,
  db: database.db,
  ping: async () => {
    await Promise.all([database.ping(), numberLock.ping()]);
  },
  logger,
  production: config.NODE_ENV === 'production',
  numberLock,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  requestDeadlineMs: config.SUBGRAPH_REQUEST_DEADLINE_MS,
  readinessTimeoutMs: config.READINESS_TIMEOUT_MS,
  limits: subgraphLimitsOf(config),
});
logger.info({ url: server.url }, 'subjects subgraph listening');

onShutdownSignal({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: [() => server.stop(), () => numberLock.close(), () => database.close()],
});
