import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request a piece of work is being done for, as far as time is concerned: when its
 * answer stops being useful (`deadline`, epoch milliseconds) and a signal that fires when
 * nobody waits for it any more (the client left, or the deadline passed). HTTP hosting sets
 * it for each request; the database layer reads it to bound and cancel statements, so a
 * deadline travels from the gateway down to PostgreSQL without being passed by hand.
 */
export interface RequestScope {
  requestId: string;
  /** Epoch milliseconds after which no new work should start for this request. */
  deadline: number;
  /** Aborted when the request is given up: client gone, deadline passed or server stopping. */
  signal: AbortSignal;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `work` (and everything it starts asynchronously) inside `scope`. */
export function runInRequestScope<T>(scope: RequestScope, work: () => T): T {
  return storage.run(scope, work);
}

/** The scope of the request being served, or undefined outside one (start-up, background sweeps). */
export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/** Milliseconds left before the current request's deadline; Infinity outside a request. */
export function timeLeftMs(now = Date.now()): number {
  const scope = storage.getStore();
  return scope ? scope.deadline - now : Infinity;
}

/** The header that carries a request's deadline from the gateway to the subgraphs, in epoch milliseconds. */
export const REQUEST_DEADLINE_HEADER = 'x-request-deadline';
