import type { PGlite, Transaction } from '@electric-sql/pglite';
import { Counter, Gauge, metricsRegistry } from '@trialgraph/observability';
import type postgres from 'postgres';

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

interface DatabaseMeter {
  /** Counts a statement as in flight until `settled` settles; returns `settled` unchanged. */
  statement<T extends PromiseLike<unknown>>(settled: T): T;
  /** Counts an open transaction until `run` settles. */
  transaction<T>(run: () => Promise<T>): Promise<T>;
}

function databaseMeter(database: string, maxConnections: number): DatabaseMeter {
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
      // own then is called, and observing it must not start it early.
      Promise.prototype.then.call(settled, done, done);
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

type Callback = (...args: unknown[]) => unknown;

/** Replaces the last argument (the transaction body) with one that gets an instrumented client. */
function withInstrumentedBody(args: unknown[], wrap: (client: never) => unknown): unknown[] {
  const body = args.at(-1);
  if (typeof body !== 'function') return args;
  return [...args.slice(0, -1), (client: never) => (body as Callback)(wrap(client))];
}

/** The postgres.js client drizzle is given: statements through `unsafe`, transactions through `begin`/`savepoint`. */
export function instrumentPostgres(client: postgres.Sql, options: { database: string; maxConnections: number }): postgres.Sql {
  const meter = databaseMeter(options.database, options.maxConnections);
  const wrap = (sql: postgres.Sql, inTransaction: boolean): postgres.Sql =>
    new Proxy(sql, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'unsafe') return (...args: unknown[]) => meter.statement((value as Callback)(...args) as Promise<unknown>);
        if (property === 'begin' && !inTransaction) {
          return (...args: unknown[]) =>
            meter.transaction(() => (value as Callback)(...withInstrumentedBody(args, (tx) => wrap(tx, true))) as Promise<unknown>);
        }
        if (property === 'savepoint') return (...args: unknown[]) => (value as Callback)(...withInstrumentedBody(args, (tx) => wrap(tx, true)));
        return value;
      },
    });
  return wrap(client, false);
}

/** The PGlite instance drizzle is given: statements through `query`/`exec`, transactions through `transaction`. */
export function instrumentPglite(pglite: PGlite, options: { database: string }): PGlite {
  const meter = databaseMeter(options.database, 1);
  const wrapTransaction = (tx: Transaction): Transaction =>
    new Proxy(tx, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'query' || property === 'exec') return (...args: unknown[]) => meter.statement((value as Callback).apply(target, args) as Promise<unknown>);
        return (value as Callback).bind(target);
      },
    });
  return new Proxy(pglite, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      // PGlite keeps state in private fields, so its methods must run on the instance itself.
      if (property === 'query' || property === 'exec') return (...args: unknown[]) => meter.statement((value as Callback).apply(target, args) as Promise<unknown>);
      if (property === 'transaction') {
        return (...args: unknown[]) =>
          meter.transaction(() => (value as Callback).apply(target, withInstrumentedBody(args, (tx) => wrapTransaction(tx))) as Promise<unknown>);
      }
      return (value as Callback).bind(target);
    },
  });
}
