import { dataDir, loadEnvironmentOrExit, logLevel, nodeEnv, port, positiveMilliseconds, postgresUrl } from '@trialgraph/config';
import { z } from 'zod';

/** The subjects subgraph's configuration: the only place this process reads the environment. */
export const subjectsEnvironment = {
  PORT: port(4001),
  SUBJECTS_DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: dataDir,
  LOG_LEVEL: logLevel,
  NODE_ENV: nodeEnv,
  SHUTDOWN_TIMEOUT_MS: positiveMilliseconds(30_000),
  SEED_DEMO_DATA: z.stringbool({ message: 'must be true or false' }).default(false),
};

export type SubjectsConfig = ReturnType<typeof loadSubjectsConfig>;

export function loadSubjectsConfig(env: Record<string, string | undefined> = process.env) {
  return loadEnvironmentOrExit(subjectsEnvironment, env);
}
