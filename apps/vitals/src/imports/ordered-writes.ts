/**
 * The batch writes of one import, run one after the other on its transaction's connection
 * while the parser prepares the next batches. At most `depth` wait at once: `push` resolves
 * when there is room for another.
 *
 * A write must never outlive its transaction: postgres.js queues a statement issued on a
 * transaction's client after its ROLLBACK where nothing ever runs it, so it never settles: it
 * held its batch in memory for good and showed as a statement in flight on the pool for ever
 * (trialgraph_db_statements_in_flight), and the import's end could not account for it.
 * Whatever ends the import (abort, parser error, subjects error, shutdown), `settle` is
 * awaited before the transaction ends: writes not yet started are skipped, the one running
 * is waited for.
 */
export class OrderedWrites {
  #tail: Promise<void> = Promise.resolve();
  readonly #waiting: Promise<void>[] = [];
  #settled = false;

  constructor(private readonly depth: number) {}

  /** Queues a write after the previous ones; rejects with a write's error (the later ones then never run). */
  async push(write: () => Promise<void>): Promise<void> {
    if (this.#settled) throw new Error('the import has ended: no more writes');
    const next = this.#tail.then(() => (this.#settled ? undefined : write()));
    // Marked handled here; the error is raised where the queue is awaited.
    next.catch(() => {});
    this.#tail = next;
    this.#waiting.push(next);
    if (this.#waiting.length >= this.depth) await this.#waiting.shift();
  }

  /** Waits for every queued write; rejects with the first failure. */
  async drain(): Promise<void> {
    await this.#tail;
    this.#waiting.length = 0;
  }

  /** Skips the writes not yet started and waits for the one running, whatever it does. */
  async settle(): Promise<void> {
    this.#settled = true;
    await this.#tail.catch(() => {});
    this.#waiting.length = 0;
  }
}
