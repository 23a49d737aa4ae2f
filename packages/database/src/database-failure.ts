import { ServiceUnavailableError } from '@trialgraph/graphql-kit';
import type { DatabaseLimits } from './database-limits.js';

/**
 * Why this process gave a statement up itself, when it did: the request's deadline passed, its
 * client left, or it waited too long for a connection the pool could not open (connection-waits.ts).
 */
export type CancelReason = 'deadline' | 'client_gone' | 'no_connection';

/** postgres.js's own codes for a connection it lost or could not open, and the socket errors beneath them. */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);

/**
 * SQLSTATEs that say the server is going away or cannot take the session: connection exceptions
 * (08), admin or crash shutdown and "cannot connect now" while it starts (57P01–57P03), too many
 * connections (53300) and a database that does not exist (3D000).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3]|53300|3D000)$/;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether the error says the database could not be reached or would not take the session, rather than refusing a statement. */
export function isConnectionFailure(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && (CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code));
}

/**
 * What a failed statement means for the client, in words that send an operator the right way:
 * a statement this process cancelled names the deadline (or the client that left), one PostgreSQL
 * cancelled names the limit it ran into, and a lost or refused connection names the database.
 * Each becomes SERVICE_UNAVAILABLE, the original kept as its cause; any other error (a constraint,
 * a bug) is returned unchanged.
 */
export function toDatabaseFailure(error: unknown, context: { limits: DatabaseLimits; cancelledFor: CancelReason }): ServiceUnavailableError;
export function toDatabaseFailure(error: unknown, context: { limits: DatabaseLimits; cancelledFor?: CancelReason | undefined }): unknown;
export function toDatabaseFailure(error: unknown, context: { limits: DatabaseLimits; cancelledFor?: CancelReason | undefined }): unknown {
  if (error instanceof ServiceUnavailableError) return error;
  const code = codeOf(error);
  if (context.cancelledFor === 'deadline') {
    return new ServiceUnavailableError(
      "The request's deadline passed while the database was still working on it, so the statement was cancelled; retry, or ask for less at once.",
      { dependency: 'deadline', cause: error },
    );
  }
  if (context.cancelledFor === 'no_connection') {
    return new ServiceUnavailableError(
      `The database is unavailable right now: no connection to it opened within ${context.limits.connectTimeoutMs} ms (DB_CONNECT_TIMEOUT_MS); retry in a moment.`,
      { dependency: 'database', cause: error },
    );
  }
  if (context.cancelledFor === 'client_gone') {
    return new ServiceUnavailableError('The client closed the request, so its database statement was cancelled.', { dependency: 'client', cause: error });
  }
  if (code === '57014' && !/statement timeout/.test((error as Error).message)) {
    return new ServiceUnavailableError(
      'The database cancelled the statement at the request of another session (an operator or a shutdown); retry in a moment.',
      {
        dependency: 'database',
        cause: error,
      },
    );
  }
  if (code === '57014') {
    return new ServiceUnavailableError(
      `The database cancelled a statement that ran longer than its ${context.limits.statementTimeoutMs} ms limit (DB_STATEMENT_TIMEOUT_MS); retry, or ask for less at once.`,
      { dependency: 'database', cause: error },
    );
  }
  if (code === '55P03') {
    return new ServiceUnavailableError(
      `A database statement waited more than ${context.limits.lockTimeoutMs} ms (DB_LOCK_TIMEOUT_MS) for a lock held by other work; retry in a moment.`,
      { dependency: 'database', cause: error },
    );
  }
  if (code === '25P03') {
    return new ServiceUnavailableError(
      `The database closed a transaction left idle for more than ${context.limits.idleInTransactionTimeoutMs} ms (DB_IDLE_IN_TRANSACTION_TIMEOUT_MS); nothing of it was stored.`,
      { dependency: 'database', cause: error },
    );
  }
  if (isConnectionFailure(error)) {
    // The code (ECONNREFUSED, 57P03…) stays in the cause, for the logs.
    return new ServiceUnavailableError('The database is unavailable right now; retry in a moment.', { dependency: 'database', cause: error });
  }
  return error;
}
