import { lockWaitSeconds, SUBJECT_NUMBER_LOCK } from './lock-metrics.js';

/**
 * Serialises subject-number allocation per study. The in-process lock serves one instance;
 * a distributed lock (Redlock) implements the same interface for several. Either way the
 * database's unique constraint stays behind it, so a lost lock can cause a retry, never a duplicate.
 */
export interface SubjectNumberLock {
  readonly kind: string;
  withLock<T>(studyId: string, critical: () => Promise<T>): Promise<T>;
  /** Throws when the lock service cannot be reached: part of the readiness check. */
  ping(): Promise<void>;
  /** Closes the lock service's connections; part of shutdown. */
  close(): Promise<void>;
}

/** A FIFO queue per study: each caller runs after the previous one settles. */
export function createInProcessQueue(): <T>(key: string, critical: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return async (key, critical) => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(critical, critical);
    const tail = run.catch(() => {});
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

export function createInProcessLock(): SubjectNumberLock {
  const queue = createInProcessQueue();
  return {
    kind: 'in-process (single instance only)',
    withLock(studyId, critical) {
      const waitStarted = performance.now();
      return queue(studyId, () => {
        lockWaitSeconds.observe({ lock: SUBJECT_NUMBER_LOCK }, (performance.now() - waitStarted) / 1000);
        return critical();
      });
    },
    ping: async () => {},
    close: async () => {},
  };
}
