import { z } from 'zod';

/** Validators for the variables several processes share, so each reads them the same way. */

export const port = (defaultPort: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(defaultPort);

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })
  .default('info');

export const nodeEnv = z
  .enum(['development', 'production', 'test'], { message: 'must be development, production or test' })
  .default('development');

export const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

export const postgresUrl = z.url({
  protocol: /^postgres(ql)?$/,
  message: 'must be a postgres:// or postgresql:// URL',
});

const isRedisUrl = (value: string) => {
  try {
    return /^rediss?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** One Redis URL, or several comma-separated (independent nodes for Redlock): a list of URLs. */
export const redisUrls = z
  .string()
  .refine((value) => value.split(',').every((url) => isRedisUrl(url.trim())), {
    message: 'must be a redis:// or rediss:// URL, or several separated by commas',
  })
  .transform((value) => value.split(',').map((url) => url.trim()));

export const positiveMilliseconds = (defaultValue: number) =>
  z.coerce.number({ message: 'must be a number of milliseconds' }).int().positive('must be positive').default(defaultValue);

export const dataDir = z.string().min(1).default('./.data');

/**
 * The limits every subgraph puts on its PostgreSQL sessions and requests, read the same way by
 * each (see the README's "Limits and timeouts"). A statement, lock wait or idle transaction past
 * its limit is cancelled by PostgreSQL itself, so a stuck request cannot hold a connection for ever.
 */
export const databaseLimitsEnvironment = {
  /** statement_timeout: the longest one SQL statement may run. */
  DB_STATEMENT_TIMEOUT_MS: positiveMilliseconds(30_000),
  /** lock_timeout: the longest a statement may wait for a row or table lock. */
  DB_LOCK_TIMEOUT_MS: positiveMilliseconds(10_000),
  /** idle_in_transaction_session_timeout: how long a transaction may sit without a statement. */
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: positiveMilliseconds(60_000),
  /** How long opening a connection may take before the statement waiting for it fails. */
  DB_CONNECT_TIMEOUT_MS: positiveMilliseconds(2_000),
};

/** How a subgraph bounds each request in time, and how long its readiness check may take. */
export const requestTimeEnvironment = {
  /** The latest deadline a subgraph gives a request: when the caller sends none, or a later one. */
  SUBGRAPH_REQUEST_DEADLINE_MS: positiveMilliseconds(30_000),
  /** GET /readyz answers 503 when its dependencies do not answer within this time. */
  READINESS_TIMEOUT_MS: positiveMilliseconds(1_000),
};
