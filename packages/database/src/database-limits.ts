/**
 * How long PostgreSQL lets one session's work take (DB_* in the README's limits table). The
 * server enforces the first three itself, so a statement stuck behind a lock, a runaway query
 * or a transaction forgotten by its client end even when the process that sent them hangs.
 */
export interface DatabaseLimits {
  /** `statement_timeout`: the longest one statement may run (SQLSTATE 57014 past it). */
  statementTimeoutMs: number;
  /** `lock_timeout`: the longest a statement may wait for a lock (SQLSTATE 55P03 past it). */
  lockTimeoutMs: number;
  /** `idle_in_transaction_session_timeout`: the server closes a session idle this long inside a transaction (25P03). */
  idleInTransactionTimeoutMs: number;
  /** How long opening a connection may take, and waiting for one while none can be opened (connection-waits.ts), so a statement fails instead of hanging. */
  connectTimeoutMs: number;
}

export const DEFAULT_DATABASE_LIMITS: DatabaseLimits = {
  statementTimeoutMs: 30_000,
  lockTimeoutMs: 10_000,
  idleInTransactionTimeoutMs: 60_000,
  connectTimeoutMs: 2_000,
};

/** The server-side limits as startup parameters of every pooled session (postgres.js `connection`). */
export function sessionParameters(limits: DatabaseLimits): Record<string, string> {
  return {
    statement_timeout: String(limits.statementTimeoutMs),
    lock_timeout: String(limits.lockTimeoutMs),
    idle_in_transaction_session_timeout: String(limits.idleInTransactionTimeoutMs),
  };
}

/** The DB_* variables of a subgraph's configuration (databaseLimitsEnvironment of @trialgraph/config), as openDatabase takes them. */
export function databaseLimitsOf(config: {
  DB_STATEMENT_TIMEOUT_MS: number;
  DB_LOCK_TIMEOUT_MS: number;
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: number;
  DB_CONNECT_TIMEOUT_MS: number;
}): DatabaseLimits {
  return {
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: config.DB_LOCK_TIMEOUT_MS,
    idleInTransactionTimeoutMs: config.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
  };
}
