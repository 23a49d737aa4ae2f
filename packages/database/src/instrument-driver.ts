import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { ServiceUnavailableError } from '@trialgraph/graphql-kit';
import { currentRequestScope } from '@trialgraph/observability';
import type postgres from 'postgres';
import { ConnectionWaits } from './connection-waits.js';
import { toDatabaseFailure, type CancelReason } from './database-failure.js';
import { databaseMeter, type DatabaseMeter } from './pool-metrics.js';
import {
  givenUpReason,
  governStatement,
  refusedStatement,
  refuseIfGivenUp,
  whenGivenUp,
  type PostgresQuery,
  type StatementContext,
} from './statement-deadline.js';

/**
 * The driver client drizzle is given: every statement and transaction drizzle issues passes
 * here, where it is counted (pool-metrics.ts), put under its request's time
 * (statement-deadline.ts) and, when it fails for want of the database, given a failure that
 * says so (database-failure.ts).
 */

type Callback = (...args: unknown[]) => unknown;

/** Replaces the last argument (the transaction body) with one that gets an instrumented client. */
function withInstrumentedBody(args: unknown[], wrap: (client: never) => unknown): unknown[] {
  const body = args.at(-1);
  if (typeof body !== 'function') return args;
  return [...args.slice(0, -1), (client: never) => (body as Callback)(wrap(client))];
}

/** postgres.js: statements through `unsafe`, transactions through `begin`/`savepoint`. */
export function instrumentPostgres(client: postgres.Sql, options: StatementContext & { maxConnections: number }): postgres.Sql {
  const meter = databaseMeter(options.database, options.maxConnections);
  const context: StatementContext = { database: options.database, limits: options.limits };
  const connectionWaits = new ConnectionWaits(options.limits.connectTimeoutMs);
  const wrap = (sql: postgres.Sql, inTransaction: boolean): postgres.Sql =>
    new Proxy(sql, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'unsafe') {
          return (...args: unknown[]) => {
            refuseIfGivenUp(context);
            const query = (value as Callback)(...args) as PostgresQuery;
            governStatement(query, { ...context, inTransaction, connectionWaits });
            return meter.statement(query);
          };
        }
        if (property === 'begin' && !inTransaction) {
          return (...args: unknown[]) =>
            beginGoverned({ begin: value as Callback, args, wrapTransaction: (tx) => wrap(tx, true), meter, context, connectionWaits });
        }
        if (property === 'savepoint') return (...args: unknown[]) => (value as Callback)(...withInstrumentedBody(args, (tx) => wrap(tx, true)));
        return value;
      },
    });
  return wrap(client, false);
}

/**
 * A transaction under its request's time. Until its body starts it only waits for a pooled
 * connection: a request given up meanwhile, or a wait past the connect timeout while the pool
 * cannot open connections (connection-waits.ts), is answered at once, and the body, when it gets
 * the connection, ends before its first statement. Once the body runs, the caller waits for it
 * (and its COMMIT or ROLLBACK), so an answer never precedes what the transaction did.
 */
async function beginGoverned(options: {
  begin: Callback;
  args: unknown[];
  wrapTransaction: (tx: postgres.Sql) => postgres.Sql;
  meter: DatabaseMeter;
  context: StatementContext;
  connectionWaits: ConnectionWaits;
}): Promise<unknown> {
  const { context, connectionWaits } = options;
  refuseIfGivenUp(context);
  const scope = currentRequestScope();
  const body = options.args.at(-1);
  if (typeof body !== 'function') return options.begin(...options.args);
  let started = false;
  let abandoned: ServiceUnavailableError | undefined;
  const governedBody = async (tx: postgres.Sql) => {
    started = true;
    connectionWaits.observe('succeeded');
    if (abandoned !== undefined) throw abandoned;
    const reason = givenUpReason(scope);
    if (reason) throw refusedStatement(reason, context);
    return (body as Callback)(options.wrapTransaction(tx));
  };
  const running = options.meter
    .transaction(() => options.begin(...options.args.slice(0, -1), governedBody) as Promise<unknown>)
    .catch((error: unknown) => {
      if (!started) connectionWaits.observe({ error });
      throw toDatabaseFailure(error, { limits: context.limits });
    });
  return new Promise((resolve, reject) => {
    const abandon = (reason: CancelReason) => {
      if (started) return;
      abandoned = refusedStatement(reason, context);
      reject(abandoned);
    };
    const disposeWait = connectionWaits.bound(
      () => started,
      () => abandon('no_connection'),
    );
    const disposeDeadline = scope ? whenGivenUp(scope, abandon) : undefined;
    void running.then(resolve, reject).finally(() => {
      disposeWait();
      disposeDeadline?.();
    });
  });
}

/**
 * PGlite: statements through `query`/`exec`, transactions through `transaction`. PGlite runs in
 * this process and has no way to cancel a statement: a request given up is refused before each
 * statement it would start, and a statement already running runs to its end.
 */
export function instrumentPglite(pglite: PGlite, options: StatementContext): PGlite {
  const meter = databaseMeter(options.database, 1);
  const statement = (run: () => unknown): Promise<unknown> => {
    const reason = givenUpReason(currentRequestScope());
    if (reason) return Promise.reject(refusedStatement(reason, options));
    return meter.statement(run() as Promise<unknown>);
  };
  const wrapTransaction = (tx: Transaction): Transaction =>
    new Proxy(tx, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'query' || property === 'exec') return (...args: unknown[]) => statement(() => (value as Callback).apply(target, args));
        return (value as Callback).bind(target);
      },
    });
  return new Proxy(pglite, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      // PGlite keeps state in private fields, so its methods must run on the instance itself.
      if (property === 'query' || property === 'exec') return (...args: unknown[]) => statement(() => (value as Callback).apply(target, args));
      if (property === 'transaction') {
        return (...args: unknown[]) => {
          const reason = givenUpReason(currentRequestScope());
          if (reason) return Promise.reject(refusedStatement(reason, options));
          return meter.transaction(
            () =>
              (value as Callback).apply(
                target,
                withInstrumentedBody(args, (tx) => wrapTransaction(tx)),
              ) as Promise<unknown>,
          );
        };
      }
      return (value as Callback).bind(target);
    },
  });
}
