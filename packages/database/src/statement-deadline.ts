import type { ServiceUnavailableError } from '@trialgraph/graphql-kit';
import { Counter, currentRequestScope, metricsRegistry, type RequestScope } from '@trialgraph/observability';
import type { DatabaseLimits } from './database-limits.js';
import type { ConnectionWaits } from './connection-waits.js';
import { toDatabaseFailure, type CancelReason } from './database-failure.js';

/**
 * Statements of a request live no longer than the request: one issued inside a request scope
 * (see @trialgraph/observability's request-scope) is cancelled when the scope's deadline passes
 * or its signal aborts (the client left), and one issued after that is refused before it
 * starts. Work outside a request (start-up, sweeps) is bounded by the session limits alone.
 */
const cancelledStatements = new Counter({
  name: 'trialgraph_db_statements_cancelled_total',
  help: "SQL statements given up because their request's deadline passed, its client left or no connection could be opened in time: cancelled while running or waiting for a connection, or refused before they started",
  labelNames: ['database', 'reason'] as const,
  registers: [metricsRegistry],
});

export interface StatementContext {
  /** The `database` label of the metrics: the owning service. */
  database: string;
  limits: DatabaseLimits;
}

/**
 * Why a scope was given up. The HTTP layer aborts with a TimeoutError at the deadline and an
 * AbortError when the client leaves (the DOMException names AbortSignal.timeout and
 * AbortController use); a deadline in the past counts as the deadline whatever the signal says.
 */
function reasonOf(scope: RequestScope, now: number): CancelReason {
  if (now >= scope.deadline) return 'deadline';
  return (scope.signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError' ? 'deadline' : 'client_gone';
}

/** The reason to give up `scope` right now, or undefined while it is still wanted. */
export function givenUpReason(scope: RequestScope | undefined, now = Date.now()): CancelReason | undefined {
  if (!scope) return undefined;
  return scope.signal.aborted || now >= scope.deadline ? reasonOf(scope, now) : undefined;
}

/** The failure of a statement that was not started because its request was given up; counted. */
export function refusedStatement(reason: CancelReason, context: StatementContext): ServiceUnavailableError {
  cancelledStatements.inc({ database: context.database, reason });
  return toDatabaseFailure(new Error(`statement not started: ${reason}`), { limits: context.limits, cancelledFor: reason });
}

/** Throws the failure when the current request is past its deadline or its client left. */
export function refuseIfGivenUp(context: StatementContext): void {
  const reason = givenUpReason(currentRequestScope());
  if (reason) throw refusedStatement(reason, context);
}

/** setTimeout's longest delay; a deadline further away is checked again when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `giveUp` once, when `scope` is given up (its signal aborts or its deadline passes),
 * unless the returned disposer runs first.
 */
export function whenGivenUp(scope: RequestScope, giveUp: (reason: CancelReason) => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    dispose();
    giveUp(reasonOf(scope, Date.now()));
  };
  const arm = () => {
    const left = scope.deadline - Date.now();
    if (!Number.isFinite(left)) return;
    // Never synchronously: the statement being governed must reach the driver first (see governStatement).
    timer = setTimeout(() => (Date.now() >= scope.deadline ? fire() : arm()), Math.min(Math.max(left, 0), MAX_TIMER_MS));
  };
  const dispose = () => {
    if (timer) clearTimeout(timer);
    scope.signal.removeEventListener('abort', fire);
  };
  if (scope.signal.aborted) {
    timer = setTimeout(fire, 0);
    return dispose;
  }
  scope.signal.addEventListener('abort', fire, { once: true });
  arm();
  return dispose;
}

/** The parts of a postgres.js query this module uses: it is a promise that starts when its own `then` runs. */
export interface PostgresQuery extends PromiseLike<unknown> {
  cancel(): unknown;
  /** The query's own rejecter, which the connection calls with the driver's error. */
  reject?: (error: unknown) => void;
  /** Set once the query was handed to a connection (its backend's key), null before. */
  state?: unknown;
}

/**
 * Puts one postgres.js statement under its request's time: when the request is given up the
 * statement is cancelled, and whatever it fails with reaches the caller as a failure that names
 * why (see toDatabaseFailure). postgres.js cancels a statement running on the server with a
 * CancelRequest and drops one still queued for a pooled connection. One queued inside a
 * transaction (behind another statement of it) cannot be dropped without stalling the
 * transaction's queue, so its caller is rejected and it runs, unwanted, when its turn comes;
 * the transaction then rolls back. Outside a transaction, `connectionWaits` bounds the time the
 * statement may wait for a connection the pool cannot open, and learns from its outcome.
 */
export function governStatement(
  query: PostgresQuery,
  context: StatementContext & { inTransaction: boolean; connectionWaits?: ConnectionWaits | undefined },
): void {
  let cancelledFor: CancelReason | undefined;
  const { connectionWaits } = context;
  const reject = query.reject;
  // Translating where the connection rejects keeps the query itself the promise drizzle awaits,
  // with every method it calls on it (values, raw…).
  if (typeof reject === 'function') {
    query.reject = (error: unknown) => {
      connectionWaits?.observe({ error });
      reject(toDatabaseFailure(error, { limits: context.limits, cancelledFor }));
    };
  }
  const giveUp = (reason: CancelReason) => {
    cancelledFor = reason;
    cancelledStatements.inc({ database: context.database, reason });
    if (context.inTransaction && query.state == null) query.reject?.(new Error(`statement given up before it was sent: ${reason}`));
    else query.cancel();
  };
  const disposeWait =
    connectionWaits && !context.inTransaction
      ? connectionWaits.bound(
          () => query.state != null,
          () => giveUp('no_connection'),
        )
      : undefined;
  const scope = currentRequestScope();
  const disposeDeadline = scope ? whenGivenUp(scope, giveUp) : undefined;
  if (!disposeWait && !disposeDeadline) return;
  const settled = (succeeded: boolean) => {
    disposeWait?.();
    disposeDeadline?.();
    if (succeeded) connectionWaits?.observe('succeeded');
  };
  // Promise.prototype.then, not the query's own then: observing the query must not start it.
  // The derived promise cannot reject (settled handles both outcomes), so nothing awaits it.
  void Promise.prototype.then.call(
    query,
    () => settled(true),
    () => settled(false),
  );
}
