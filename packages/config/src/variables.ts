import { z } from 'zod';

/** Validators for the variables several processes share, so each reads them the same way. */

export const port = (defaultPort: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(defaultPort);

/**
 * The address a process listens on. Loopback by default, so that a development stack (with its
 * development key and Sandbox token) is reachable from this machine only; a container or a
 * server behind a load balancer sets HOST=0.0.0.0 (or ::) deliberately.
 */
export const listenHost = z
  .union([z.ipv4(), z.ipv6(), z.hostname()], { error: 'must be an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0' })
  .default('127.0.0.1');

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })
  .default('info');

export const nodeEnv = z.enum(['development', 'production', 'test'], { error: 'must be development, production or test' }).default('development');

export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const postgresUrl = z.url({
  protocol: /^postgres(ql)?$/,
  error: 'must be a postgres:// or postgresql:// URL',
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
    error: 'must be a redis:// or rediss:// URL, or several separated by commas',
  })
  .transform((value) => value.split(',').map((url) => url.trim()));

export const positiveMilliseconds = (defaultValue: number) =>
  z.coerce.number({ error: 'must be a number of milliseconds' }).int().positive('must be positive').default(defaultValue);

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
  /** How long opening a connection may take, and waiting for one while none can be opened, before the statement fails. */
  DB_CONNECT_TIMEOUT_MS: positiveMilliseconds(2_000),
};

/** How a subgraph bounds each request in time, and how long its readiness check may take. */
export const requestTimeEnvironment = {
  /** The latest deadline a subgraph gives a request: when the caller sends none, or a later one. */
  SUBGRAPH_REQUEST_DEADLINE_MS: positiveMilliseconds(30_000),
  /** GET /readyz answers 503 when its dependencies do not answer within this time. */
  READINESS_TIMEOUT_MS: positiveMilliseconds(1_000),
};

const count = (min: number, defaultValue: number) =>
  z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(min, `must be at least ${min}`).default(defaultValue);

/**
 * The bounds on one GraphQL operation. The gateway and every subgraph read the same variables
 * (a subgraph can be called directly, so it applies them again); see @trialgraph/http.
 */
export const operationLimitVariables = {
  MAX_QUERY_DEPTH: count(2, 12),
  MAX_QUERY_ALIASES: count(1, 30),
  MAX_QUERY_DIRECTIVES: count(1, 50),
  MAX_QUERY_TOKENS: count(100, 5_000),
  /** Objects an answer may hold, with variables, defaults and list arguments counted. */
  MAX_QUERY_COST: count(100, 20_000),
};

/** The rows one request may read from a subgraph's database, checked before each statement runs. */
export const maxRowsPerRequest = count(100, 20_000);

/** How long a client may take to send a request, at every HTTP server. */
export const requestTimeoutVariables = {
  /** From connecting (or the previous answer on a kept-alive connection) to the end of the headers. */
  HEADERS_TIMEOUT_MS: positiveMilliseconds(10_000),
  /** The whole body of a request that is not an upload. */
  REQUEST_BODY_TIMEOUT_MS: positiveMilliseconds(30_000),
  /** The longest pause between two bytes of an upload. */
  UPLOAD_IDLE_TIMEOUT_MS: positiveMilliseconds(30_000),
};

/** The operation limits of a parsed configuration, in the shape @trialgraph/http takes. */
export function operationLimitsOf(config: { [K in keyof typeof operationLimitVariables]: number }) {
  return {
    maxDepth: config.MAX_QUERY_DEPTH,
    maxAliases: config.MAX_QUERY_ALIASES,
    maxDirectives: config.MAX_QUERY_DIRECTIVES,
    maxTokens: config.MAX_QUERY_TOKENS,
    maxCost: config.MAX_QUERY_COST,
  };
}

/** The request timeouts of a parsed configuration, in the shape @trialgraph/http takes. */
export function requestTimeoutsOf(config: { [K in keyof typeof requestTimeoutVariables]: number }) {
  return { headersMs: config.HEADERS_TIMEOUT_MS, bodyMs: config.REQUEST_BODY_TIMEOUT_MS, uploadIdleMs: config.UPLOAD_IDLE_TIMEOUT_MS };
}

/** Every bound a subgraph reads: the operation limits and request timeouts shared with the gateway, and its rows per request. */
export const subgraphLimitVariables = {
  ...operationLimitVariables,
  ...requestTimeoutVariables,
  MAX_ROWS_PER_REQUEST: maxRowsPerRequest,
};

/**
 * What every subgraph reads alike: where it listens, its database and request time limits, its
 * operation limits, where PGlite keeps its files, logs, mode and shutdown. Each subgraph adds its
 * PORT, its database URL, the token settings (authEnvironment of @trialgraph/auth) and its own.
 */
export const subgraphEnvironment = {
  HOST: listenHost,
  ...databaseLimitsEnvironment,
  ...requestTimeEnvironment,
  DATA_DIR: dataDir,
  LOG_LEVEL: logLevel,
  NODE_ENV: nodeEnv,
  SHUTDOWN_TIMEOUT_MS: positiveMilliseconds(30_000),
  /** MAX_QUERY_*, request timeouts and MAX_ROWS_PER_REQUEST, read as the gateway reads the ones it shares. */
  ...subgraphLimitVariables,
};

export interface SubgraphLimits {
  operationLimits: ReturnType<typeof operationLimitsOf>;
  timeouts: ReturnType<typeof requestTimeoutsOf>;
  maxRowsPerRequest: number;
}

/** A subgraph's bounds from its parsed configuration; with no argument, the defaults. */
export function subgraphLimitsOf(config: z.infer<z.ZodObject<typeof subgraphLimitVariables>> = z.object(subgraphLimitVariables).parse({})): SubgraphLimits {
  return { operationLimits: operationLimitsOf(config), timeouts: requestTimeoutsOf(config), maxRowsPerRequest: config.MAX_ROWS_PER_REQUEST };
}
