/** Calls made back to back by `workers` callers until stopped, in the order they ended. */
export interface RepeatedCalls<Result> {
  readonly results: readonly Result[];
  /** Lets the calls in flight end, then resolves with every result. */
  stop(): Promise<Result[]>;
}

/**
 * A steady stream of requests, each caller sending its next as soon as its last is answered
 * (a closed loop): what a busy service sees while a dependency fails under it. `call` gets a
 * running index; it should not throw (time and record failures instead).
 */
export function callRepeatedly<Result>(options: { workers: number; call: (index: number) => Promise<Result> }): RepeatedCalls<Result> {
  const results: Result[] = [];
  let next = 0;
  let stopped = false;
  const worker = async () => {
    while (!stopped) results.push(await options.call(next++));
  };
  const running = Promise.all(Array.from({ length: options.workers }, worker));
  return {
    results,
    async stop() {
      stopped = true;
      await running;
      return results;
    },
  };
}
