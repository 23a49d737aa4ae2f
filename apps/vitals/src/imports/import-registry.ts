import pLimit, { type LimitFunction } from 'p-limit';
import { ImportStop } from './import-end.js';

export interface ImportLimits {
  /** Imports accepted at once, receiving or storing: MAX_CONCURRENT_IMPORTS. */
  maxConcurrentImports: number;
  /** Imports storing at once, each in a transaction on one pooled connection: IMPORT_DATABASE_CONNECTIONS. */
  databaseConnections: number;
}

/**
 * The imports this process runs: how many it accepts at once, how many may hold a database
 * connection at once (the rest of the pool stays with reads), and which are running, so the
 * sweeper spares them and a shutdown can give them time to finish, then stop the rest. A
 * stopped import rolls back and ends INTERRUPTED.
 */
export class ImportRegistry {
  readonly #running = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  readonly #storing: LimitFunction;
  #places = 0;
  #closed = false;

  constructor(readonly limits: ImportLimits) {
    this.#storing = pLimit(limits.databaseConnections);
  }

  get size(): number {
    return this.#running.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The imports running in this process: alive, whatever the database shows. */
  runningIds(): string[] {
    return [...this.#running.keys()];
  }

  /**
   * Takes one of the MAX_CONCURRENT_IMPORTS places, or returns false when all are taken.
   * Synchronous, so two requests can never both take the last place.
   */
  tryReserve(): boolean {
    if (this.#places >= this.limits.maxConcurrentImports) return false;
    this.#places++;
    return true;
  }

  /** Gives back a place taken by `tryReserve`, once the import has ended or was refused. */
  releasePlace(): void {
    this.#places--;
  }

  /**
   * Runs an import with a signal that aborts with an ImportStop: SHUTDOWN when the service
   * stops, CLIENT_LEFT when `clientGone` aborts.
   */
  track<T>(importId: string, clientGone: AbortSignal, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const onClientGone = () => controller.abort(new ImportStop('CLIENT_LEFT'));
    if (clientGone.aborted) onClientGone();
    else clientGone.addEventListener('abort', onClientGone, { once: true });
    if (this.#closed) controller.abort(new ImportStop('SHUTDOWN'));
    const done = run(controller.signal).finally(() => {
      clientGone.removeEventListener('abort', onClientGone);
      this.#running.delete(importId);
    });
    this.#running.set(importId, { controller, done: done.catch(() => {}) });
    return done;
  }

  /**
   * Runs `store` once one of the database connections imports may hold is free. Waiting holds
   * nothing, and a stop while waiting ends the wait at once with the stop as the error; once
   * `store` runs, it alone answers the stop (it must roll back before the import may end).
   */
  async withDatabaseConnection<T>(signal: AbortSignal, store: () => Promise<T>): Promise<T> {
    signal.throwIfAborted();
    let started = false;
    let onAbort: (() => void) | undefined;
    const stoppedWaiting = new Promise<never>((_resolve, reject) => {
      onAbort = () => {
        // Whoever aborts gives an Error (a DOMException when abort() is called without one).
        if (!started) reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    const turn = this.#storing(() => {
      // A turn that comes after the stop runs nothing.
      if (signal.aborted) return Promise.reject(signal.reason as Error);
      started = true;
      return store();
    });
    turn.catch(() => {});
    try {
      return await Promise.race([turn, stoppedWaiting]);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  /** Refuses new imports, waits up to `graceMs` for running ones, then stops what is left. */
  async stop(graceMs: number): Promise<void> {
    this.#closed = true;
    const all = Promise.all([...this.#running.values()].map((entry) => entry.done));
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), graceMs);
    });
    const outcome = await Promise.race([all.then(() => 'finished' as const), expired]);
    clearTimeout(timer);
    if (outcome === 'expired') {
      for (const entry of this.#running.values()) entry.controller.abort(new ImportStop('SHUTDOWN'));
      await Promise.all([...this.#running.values()].map((entry) => entry.done));
    }
  }
}
