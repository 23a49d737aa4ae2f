import { authEnvironment } from '@trialgraph/auth';
import { dataDir, httpUrl, loadEnvironmentOrExit, logLevel, nodeEnv, port, positiveMilliseconds } from '@trialgraph/config';
import { z } from 'zod';

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
  MAX_QUERY_DEPTH: z.coerce.number().int().min(2).default(12),
  MAX_QUERY_ALIASES: z.coerce.number().int().min(1).default(30),
  MAX_QUERY_DIRECTIVES: z.coerce.number().int().min(1).default(50),
  MAX_QUERY_TOKENS: z.coerce.number().int().min(100).default(5_000),
  MAX_QUERY_COST: z.coerce.number().int().min(100).default(20_000),
  /** Comma-separated origins allowed to call from a browser; unset in development allows any. */
  CORS_ORIGINS: z
    .string()
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
    .optional(),
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env) {
  return loadEnvironmentOrExit(gatewayEnvironment, env);
}
