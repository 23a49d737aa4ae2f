import { Counter, Histogram, metricsRegistry } from '@trialgraph/observability';

/** The `lock` label of the subject-numbering lock, whichever implementation serves it. */
export const SUBJECT_NUMBER_LOCK = 'subject-number';

/** How long createSubject waited for the numbering lock of its study, in this process and across instances. */
export const lockWaitSeconds = new Histogram({
  name: 'trialgraph_lock_wait_seconds',
  help: 'Time spent waiting for a lock before the critical section ran',
  labelNames: ['lock'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/**
 * Locks not obtained (`unavailable`: Redis unreachable; `timeout`: another instance held it
 * past the wait budget) and locks that expired while held (`expired`: the database
 * constraint then guarded the allocation).
 */
export const lockFailures = new Counter({
  name: 'trialgraph_lock_failures_total',
  help: 'Locks that could not be acquired, or expired before their holder finished',
  labelNames: ['lock', 'reason'] as const,
  registers: [metricsRegistry],
});

export type LockFailureReason = 'unavailable' | 'timeout' | 'expired';
