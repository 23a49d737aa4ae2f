import { authEnvironment } from '@trialgraph/auth';
import { loadEnvironmentOrExit, port, positiveMilliseconds, postgresUrl, redisUrls, subgraphEnvironment } from '@trialgraph/config';
import { z } from 'zod';

/** The subjects subgraph's configuration: the only place this process reads the environment. */
export const subjectsEnvironment = {
  PORT: port(4001),
  SUBJECTS_DATABASE_URL: postgresUrl.optional(),
  ...subgraphEnvironment,
  ...authEnvironment,
  /** Redis for the subject-numbering lock across instances; without it, an in-process lock (one instance only). */
  REDIS_URL: redisUrls.optional(),
  REDIS_KEY_PREFIX: z.string().default('trialgraph:'),
  /** How long a numbering lock lives if its holder dies without releasing it. */
  SUBJECT_LOCK_TTL_MS: positiveMilliseconds(2_000),
  /** How long createSubject waits for another instance's numbering lock before SERVICE_UNAVAILABLE. */
  SUBJECT_LOCK_WAIT_MS: positiveMilliseconds(5_000),
  /** Tests only: pause inside the allocation to outlive the lock's TTL; refused in production. */
  TEST_ONLY_ALLOCATION_DELAY_MS: z.coerce.number().int().min(0).max(10_000, 'must be at most 10000').default(0),
  SEED_DEMO_DATA: z.stringbool({ error: 'must be true or false' }).default(false),
};

export type SubjectsConfig = ReturnType<typeof loadSubjectsConfig>;

export function loadSubjectsConfig(env: Record<string, string | undefined> = process.env) {
  const config = loadEnvironmentOrExit(subjectsEnvironment, env);
  if (config.NODE_ENV === 'production' && config.TEST_ONLY_ALLOCATION_DELAY_MS > 0) {
    process.stderr.write('Invalid configuration:\n  - TEST_ONLY_ALLOCATION_DELAY_MS: must be unset in production (it slows every createSubject)\n');
    process.exit(1);
  }
  return config;
}
