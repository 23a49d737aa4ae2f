/**
 * The imports this process is running, so shutdown can give them time to finish and then
 * interrupt the rest. An interrupted import rolls back and ends INTERRUPTED.
 */
export class ImportRegistry {
  readonly #running = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  #closed = false;

  get size(): number {
    return this.#running.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  track<T>(importId: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const done = run(controller.signal);
    this.#running.set(importId, { controller, done: done.catch(() => {}) });
    return done.finally(() => this.#running.delete(importId));
  }

  /** Refuses new imports, waits up to `graceMs` for running ones, then interrupts what is left. */
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
      for (const entry of this.#running.values()) entry.controller.abort(new Error('shutdown'));
      await Promise.all([...this.#running.values()].map((entry) => entry.done));
    }
  }
}
