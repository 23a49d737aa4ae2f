import { AsyncLocalStorage } from 'node:async_hooks';

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
  /** How long opening a connection may take, so a statement waiting for one fails instead of hanging. */
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

/** The limits one unit of work may raise for the transactions it opens (see withTransactionLimits). */
export type TransactionLimits = Partial<Pick<DatabaseLimits, 'statementTimeoutMs' | 'lockTimeoutMs' | 'idleInTransactionTimeoutMs'>>;

const transactionLimits = new AsyncLocalStorage<TransactionLimits>();

/**
 * Runs `work` so that every transaction it opens runs under `limits` instead of the session's
 * (`SET LOCAL` as its first statement, undone when it ends). For work that legitimately outlives
 * the request limits, such as an import: one transaction that waits on the client between its
 * batches, and whose batches may be large. Nothing else changes: the request's deadline, when
 * there is one, still cancels its statements.
 */
export function withTransactionLimits<T>(limits: TransactionLimits, work: () => T): T {
  return transactionLimits.run(limits, work);
}

/** The `SET LOCAL` statements a transaction opened now must start with; empty outside withTransactionLimits. */
export function transactionLimitStatements(): string[] {
  const limits = transactionLimits.getStore();
  if (!limits) return [];
  const settings: Array<[string, number | undefined]> = [
    ['statement_timeout', limits.statementTimeoutMs],
    ['lock_timeout', limits.lockTimeoutMs],
    ['idle_in_transaction_session_timeout', limits.idleInTransactionTimeoutMs],
  ];
  return settings
    .filter((setting): setting is [string, number] => setting[1] !== undefined)
    .map(([name, milliseconds]) => `set local ${name} = ${Math.max(0, Math.floor(milliseconds))}`);
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
