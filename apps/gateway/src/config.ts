import { authEnvironment } from '@trialgraph/auth';
import {
  dataDir,
  httpUrl,
  loadEnvironmentOrExit,
  logLevel,
  nodeEnv,
  operationLimitVariables,
  port,
  positiveMilliseconds,
  redisUrls,
  requestTimeoutVariables,
} from '@trialgraph/config';
import { z } from 'zod';

const count = (defaultValue: number) => z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').default(defaultValue);

/** The gateway's configuration: the only place this process reads the environment. */
export const gatewayEnvironment = {
  PORT: port(4000),
  SUBJECTS_URL: httpUrl.default('http://localhost:4001/graphql'),
  VITALS_URL: httpUrl.default('http://localhost:4002/graphql'),
  LOG_LEVEL: logLevel,
  NODE_ENV: nodeEnv,
  SHUTDOWN_TIMEOUT_MS: positiveMilliseconds(30_000),
  /** The largest vitals CSV upload passed through, in bytes (default 2 GiB). */
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive('must be a positive number of bytes').default(2 * 1024 ** 3),
  ...authEnvironment,
  /** Where development tokens are kept when no JWT key is configured. */
  DATA_DIR: dataDir,
  /** The largest JSON request body (query and variables), in bytes. */
  MAX_REQUEST_BYTES: z.coerce.number().int().positive('must be a positive number of bytes').default(1024 * 1024),
  ...operationLimitVariables,
  ...requestTimeoutVariables,
  /** How long one call to a subgraph may take, from sending the request to the end of the answer. */
  SUBGRAPH_TIMEOUT_MS: positiveMilliseconds(15_000),
  /** How long vitals may take to answer an upload once it has the last byte (it stores the file first). */
  UPLOAD_RESPONSE_TIMEOUT_MS: positiveMilliseconds(300_000),
  /** How long one operation may take at the gateway; shorter than SUBGRAPH_TIMEOUT_MS. */
  REQUEST_DEADLINE_MS: positiveMilliseconds(10_000),
  /** Redis shared by every gateway instance for rate limits; unset: each instance counts in memory. Only the first URL is used. */
  REDIS_URL: redisUrls.optional(),
  REDIS_KEY_PREFIX: z.string().default('trialgraph:'),
  /** The rate-limit window, and each caller's reads and mutations per window. */
  RATE_LIMIT_WINDOW_MS: positiveMilliseconds(60_000),
  RATE_LIMIT_READS: count(600),
  RATE_LIMIT_MUTATIONS: count(120),
  /** Uploads one caller may have running at once. */
  RATE_LIMIT_CONCURRENT_IMPORTS: count(2),
  /** How long an import slot stays taken when the gateway holding it died mid-upload. */
  RATE_LIMIT_IMPORT_SLOT_TTL_MS: positiveMilliseconds(60 * 60_000),
  /** How long a rate-limit check waits for Redis before letting the request through unchecked. */
  RATE_LIMIT_REDIS_TIMEOUT_MS: positiveMilliseconds(500),
  /** Comma-separated roles without rate limits. */
  RATE_LIMIT_EXEMPT_ROLES: z
    .string()
    .transform((value) => value.split(',').map((role) => role.trim()).filter(Boolean))
    .default(['ADMIN']),
  /** Comma-separated origins allowed to call from a browser; unset in development allows any. */
  CORS_ORIGINS: z
    .string()
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
    .optional(),
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env) {
  const config = loadEnvironmentOrExit(gatewayEnvironment, env);
  if (config.REQUEST_DEADLINE_MS >= config.SUBGRAPH_TIMEOUT_MS) {
    process.stderr.write(
      `Invalid configuration:\n  - REQUEST_DEADLINE_MS: must be shorter than SUBGRAPH_TIMEOUT_MS (${config.SUBGRAPH_TIMEOUT_MS}), got ${config.REQUEST_DEADLINE_MS}\n`,
    );
    process.exit(1);
  }
  return config;
}
