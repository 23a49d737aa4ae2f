import { authEnvironment, ROLES, type Role } from '@trialgraph/auth';
import {
  dataDir,
  httpUrl,
  listenHost,
  EnvironmentError,
  parseEnvironment,
  logLevel,
  nodeEnv,
  operationLimitVariables,
  port,
  positiveMilliseconds,
  redisUrls,
  requestTimeoutVariables,
} from '@trialgraph/config';
import { z } from 'zod';

/** What a role may spend per window when it has a budget of its own: a partner's scripts get less than staff. */
const ROLE_BUDGET_DEFAULTS: Partial<Record<Role, { READS: number; MUTATIONS: number }>> = {
  PARTNER: { READS: 120, MUTATIONS: 30 },
};
const BUDGETS = ['READS', 'MUTATIONS'] as const;
type RoleBudgetVariable = `RATE_LIMIT_${(typeof BUDGETS)[number]}_${Role}`;

/**
 * RATE_LIMIT_READS_<ROLE> and RATE_LIMIT_MUTATIONS_<ROLE>: a role's own budget per window. A role
 * without one spends RATE_LIMIT_READS / RATE_LIMIT_MUTATIONS; a caller with several roles gets the
 * largest budget of its roles.
 */
const roleBudgetVariables = Object.fromEntries(
  ROLES.flatMap((role) =>
    BUDGETS.map((budget) => {
      const fallback = ROLE_BUDGET_DEFAULTS[role]?.[budget];
      const variable = z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1');
      return [`RATE_LIMIT_${budget}_${role}`, fallback === undefined ? variable.optional() : variable.default(fallback)];
    }),
  ),
) as Record<RoleBudgetVariable, z.ZodOptional<z.ZodNumber>>;

const count = (defaultValue: number) =>
  z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').default(defaultValue);

/** The gateway's configuration: the only place this process reads the environment. */
export const gatewayEnvironment = {
  PORT: port(4000),
  HOST: listenHost,
  SUBJECTS_URL: httpUrl.default('http://127.0.0.1:4001/graphql'),
  VITALS_URL: httpUrl.default('http://127.0.0.1:4002/graphql'),
  LOG_LEVEL: logLevel,
  NODE_ENV: nodeEnv,
  SHUTDOWN_TIMEOUT_MS: positiveMilliseconds(30_000),
  /** The largest vitals CSV upload passed through, in bytes (default 2 GiB). */
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive('must be a positive number of bytes')
    .default(2 * 1024 ** 3),
  ...authEnvironment,
  /** Where development tokens are kept when no JWT key is configured. */
  DATA_DIR: dataDir,
  /** The largest JSON request body (query and variables), in bytes. */
  MAX_REQUEST_BYTES: z.coerce
    .number()
    .int()
    .positive('must be a positive number of bytes')
    .default(1024 * 1024),
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
  ...roleBudgetVariables,
  /** Uploads one caller may have running at once. */
  RATE_LIMIT_CONCURRENT_IMPORTS: count(2),
  /** How long an import slot stays taken when the gateway holding it died mid-upload. */
  RATE_LIMIT_IMPORT_SLOT_TTL_MS: positiveMilliseconds(60 * 60_000),
  /** How long a rate-limit check waits for Redis before letting the request through unchecked. */
  RATE_LIMIT_REDIS_TIMEOUT_MS: positiveMilliseconds(500),
  /** Comma-separated roles without rate limits. */
  RATE_LIMIT_EXEMPT_ROLES: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((role) => role.trim())
        .filter(Boolean),
    )
    .default(['ADMIN']),
  /** Comma-separated origins allowed to call from a browser; unset in development allows any. */
  CORS_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .optional(),
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

export interface RateBudget {
  reads: number;
  mutations: number;
}

/** Each role's reads and mutations per window: its own budget, or RATE_LIMIT_READS / RATE_LIMIT_MUTATIONS. */
export function roleBudgetsOf(config: Pick<GatewayConfig, 'RATE_LIMIT_READS' | 'RATE_LIMIT_MUTATIONS' | RoleBudgetVariable>): Record<Role, RateBudget> {
  return Object.fromEntries(
    ROLES.map((role) => [
      role,
      {
        reads: config[`RATE_LIMIT_READS_${role}`] ?? config.RATE_LIMIT_READS,
        mutations: config[`RATE_LIMIT_MUTATIONS_${role}`] ?? config.RATE_LIMIT_MUTATIONS,
      },
    ]),
  ) as Record<Role, RateBudget>;
}

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env) {
  // A mistyped role would otherwise be dropped in silence, and its callers get the default budget.
  const unknownRoleBudgets = Object.keys(env)
    .filter((name) => /^RATE_LIMIT_(READS|MUTATIONS)_/.test(name) && !(name in roleBudgetVariables))
    .map((name) => `${name}: not a role's budget; the roles are ${ROLES.join(', ')} (e.g. RATE_LIMIT_READS_PARTNER)`);
  let config: ReturnType<typeof parseEnvironment<typeof gatewayEnvironment>>;
  try {
    config = parseEnvironment(gatewayEnvironment, env);
    if (unknownRoleBudgets.length > 0) throw new EnvironmentError([]);
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error;
    process.stderr.write(`${new EnvironmentError([...unknownRoleBudgets, ...error.problems]).message}\n`);
    process.exit(1);
  }
  if (config.REQUEST_DEADLINE_MS >= config.SUBGRAPH_TIMEOUT_MS) {
    process.stderr.write(
      `Invalid configuration:\n  - REQUEST_DEADLINE_MS: must be shorter than SUBGRAPH_TIMEOUT_MS (${config.SUBGRAPH_TIMEOUT_MS}), got ${config.REQUEST_DEADLINE_MS}\n`,
    );
    process.exit(1);
  }
  return config;
}
