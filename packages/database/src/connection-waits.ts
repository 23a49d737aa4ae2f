import { isConnectionFailure } from './database-failure.js';

/**
 * How long a statement may wait for a pooled connection while the pool cannot open one.
 * postgres.js bounds each attempt to open a connection (connect_timeout), not the wait: a
 * statement queued behind attempts that time out becomes the next attempt's, then the next's,
 * so during an outage requests waited two and three times DB_CONNECT_TIMEOUT_MS (6.4 s against
 * 2 s while a restarted PostgreSQL accepted connections and did not answer yet). While the
 * pool's last word from the server is a failure to connect, a statement that has waited the
 * connect timeout without a connection is given up as the database being unavailable. While it
 * is not, every connection is merely busy and the statement waits on, bounded by its request's
 * deadline: a busy database is not a down one.
 */
export class ConnectionWaits {
  private failing = false;
  /** Statements past their wait, given up the moment the pool fails to connect. */
  private readonly overdue = new Set<() => void>();

  constructor(private readonly connectTimeoutMs: number) {}

  /** What a statement's outcome says of the pool: nothing for errors of the statement itself. */
  observe(outcome: { error: unknown } | 'succeeded'): void {
    if (outcome === 'succeeded') {
      this.failing = false;
      return;
    }
    if (!isConnectionFailure(outcome.error)) return;
    this.failing = true;
    const overdue = [...this.overdue];
    this.overdue.clear();
    for (const giveUp of overdue) giveUp();
  }

  /**
   * Calls `giveUp` once the statement has waited the connect timeout without `hasConnection()`
   * while the pool fails to connect, unless the returned disposer runs first.
   */
  bound(hasConnection: () => boolean, giveUp: () => void): () => void {
    const fire = () => {
      dispose();
      if (!hasConnection()) giveUp();
    };
    const timer = setTimeout(() => (this.failing ? fire() : this.overdue.add(fire)), this.connectTimeoutMs);
    const dispose = () => {
      clearTimeout(timer);
      this.overdue.delete(fire);
    };
    return dispose;
  }
}
