/**
 * Serialises subject-number allocation per study. The in-process lock serves one instance;
 * a distributed lock (Redlock) implements the same interface for several. Either way the
 * database's unique constraint stays behind it, so a lost lock can cause a retry, never a duplicate.
 */
export interface SubjectNumberLock {
  readonly kind: string;
  withLock<T>(studyId: string, critical: () => Promise<T>): Promise<T>;
}

export function createInProcessLock(): SubjectNumberLock {
  const tails = new Map<string, Promise<unknown>>();
  return {
    kind: 'in-process (single instance only)',
    async withLock(studyId, critical) {
      const previous = tails.get(studyId) ?? Promise.resolve();
      const run = previous.then(critical, critical);
      const tail = run.catch(() => {});
      tails.set(studyId, tail);
      try {
        return await run;
      } finally {
        if (tails.get(studyId) === tail) tails.delete(studyId);
      }
    },
  };
}
