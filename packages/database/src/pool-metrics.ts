import { Counter, Gauge, metricsRegistry } from '@trialgraph/observability';

/**
 * How busy a process's database connections are. postgres.js does not expose its pool, so
 * the driver calls drizzle makes are counted instead: a statement is in flight from the
 * moment it is issued (waiting for a connection included) until it answers, and an open
 * transaction holds one pooled connection for its whole life (an import holds one for
 * minutes). Pool pressure shows as transactions open plus statements in flight nearing the
 * pool's maximum. PGlite is one in-process connection: its maximum is 1.
 */
const statementsInFlight = new Gauge({
  name: 'trialgraph_db_statements_in_flight',
  help: 'SQL statements issued and not yet answered (queued for a connection included)',
  labelNames: ['database'],
  registers: [metricsRegistry],
});

const transactionsOpen = new Gauge({
  name: 'trialgraph_db_transactions_open',
  help: 'Open transactions, each holding one pooled connection',
  labelNames: ['database'],
  registers: [metricsRegistry],
});

const poolMax = new Gauge({
  name: 'trialgraph_db_pool_max_connections',
  help: 'The most connections the pool opens',
  labelNames: ['database'],
  registers: [metricsRegistry],
});

const statements = new Counter({
  name: 'trialgraph_db_statements_total',
  help: 'SQL statements issued',
  labelNames: ['database'],
  registers: [metricsRegistry],
});

export interface DatabaseMeter {
  /** Counts a statement as in flight until `settled` settles; returns `settled` unchanged. */
  statement<T extends PromiseLike<unknown>>(settled: T): T;
  /** Counts an open transaction until `run` settles. */
  transaction<T>(run: () => Promise<T>): Promise<T>;
}

export function databaseMeter(database: string, maxConnections: number): DatabaseMeter {
  const labels = { database };
  poolMax.set(labels, maxConnections);
  statementsInFlight.set(labels, 0);
  transactionsOpen.set(labels, 0);
  return {
    statement(settled) {
      statements.inc(labels);
      statementsInFlight.inc(labels);
      const done = () => statementsInFlight.dec(labels);
      // Promise.prototype.then, not the query's own then: a postgres.js query starts when its
      // own then is called, and observing it must not start it early. The derived promise cannot
      // reject (done handles both outcomes), so nothing awaits it.
      void Promise.prototype.then.call(settled, done, done);
      return settled;
    },
    async transaction(run) {
      transactionsOpen.inc(labels);
      try {
        return await run();
      } finally {
        transactionsOpen.dec(labels);
      }
    },
  };
}
