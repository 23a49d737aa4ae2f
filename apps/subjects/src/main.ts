import { onShutdownSignal } from '@trialgraph/http';
import { createLogger } from '@trialgraph/observability';
import { createContextFactory, startSubjectsServer } from './app.js';
import { loadSubjectsConfig } from './config.js';
import { openSubjectsDatabase } from './db/client.js';
import { seedDemoData } from './seed-demo-data.js';
import { createInProcessLock } from './subjects/subject-number-lock.js';

const config = loadSubjectsConfig();
const logger = createLogger({ service: 'subjects', level: config.LOG_LEVEL });

const database = await openSubjectsDatabase({ url: config.SUBJECTS_DATABASE_URL, dataDir: config.DATA_DIR });
logger.info({ database: database.kind }, 'database ready, migrations applied');

const numberLock = createInProcessLock();
logger.info({ lock: numberLock.kind }, 'subject numbering lock');

if (config.SEED_DEMO_DATA && (await seedDemoData(createContextFactory({ db: database.db, logger, numberLock })('seed', 'seed')))) {
  logger.info('seeded the demo study CARD01');
}

const server = await startSubjectsServer({
  port: config.PORT,
  db: database.db,
  ping: database.ping,
  logger,
  production: config.NODE_ENV === 'production',
  numberLock,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
});
logger.info({ url: server.url }, 'subjects subgraph listening');

onShutdownSignal({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: [() => server.stop(), () => database.close()],
});
