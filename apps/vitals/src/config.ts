import { authEnvironment } from '@trialgraph/auth';
import { dataDir, httpUrl, loadEnvironmentOrExit, logLevel, nodeEnv, port, positiveMilliseconds, postgresUrl, subgraphLimitVariables } from '@trialgraph/config';
import { z } from 'zod';

/** The vitals subgraph's configuration: the only place this process reads the environment. */
export const vitalsEnvironment = {
  PORT: port(4002),
  VITALS_DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: dataDir,
  /** Where the subjects subgraph answers; imports resolve subject numbers there, in batches. */
  SUBJECTS_URL: httpUrl.default('http://localhost:4001/graphql'),
  LOG_LEVEL: logLevel,
  NODE_ENV: nodeEnv,
  SHUTDOWN_TIMEOUT_MS: positiveMilliseconds(30_000),
  ...authEnvironment,
  /** MAX_QUERY_*, request timeouts and MAX_ROWS_PER_REQUEST, read as the gateway and subjects read them. */
  ...subgraphLimitVariables,
  /** The largest CSV file an import accepts, in bytes (default 2 GiB). */
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive('must be a positive number of bytes').default(2 * 1024 ** 3),
  /** Batches written to the database at once by one import. */
  IMPORT_CONCURRENCY: z.coerce.number().int().min(1).max(16, 'must be between 1 and 16').default(2),
  /**
   * Rows per statement. 2,000 rows, two in flight, die young in V8's new space; 5,000 and three
   * outlived it and were promoted, so the heap grew with the file (vitals RSS 2M rows: 310 → ~280
   * MB) at the same speed; 1,000 is slower per row.
   */
  IMPORT_BATCH_SIZE: z.coerce.number().int().min(100).max(50_000, 'must be between 100 and 50000').default(2_000),
};

export type VitalsConfig = ReturnType<typeof loadVitalsConfig>;

export function loadVitalsConfig(env: Record<string, string | undefined> = process.env) {
  return loadEnvironmentOrExit(vitalsEnvironment, env);
}
