import { PGlite } from '@electric-sql/pglite';
import { metricsRegistry } from '@trialgraph/observability';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATABASE_LIMITS } from './database-limits.js';
import { instrumentPglite, instrumentPostgres } from './instrument-driver.js';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function gauge(name: string, database: string): Promise<number | undefined> {
  const metric = await metricsRegistry.getSingleMetric(name)?.get();
  return metric?.values.find((value) => value.labels.database === database)?.value;
}

describe('database pool metrics', () => {
  const client = postgres(POSTGRES_URL, { max: 4, onnotice: () => {} });
  const pglite = new PGlite();

  afterAll(async () => {
    await client.end();
    await pglite.close();
  });

  it('counts a PostgreSQL statement in flight until it answers, and a transaction open until it ends', async () => {
    const sql = instrumentPostgres(client, { database: 'pg_test', maxConnections: 4, limits: DEFAULT_DATABASE_LIMITS });
    expect(await gauge('trialgraph_db_pool_max_connections', 'pg_test')).toBe(4);
    const sleeping = sql.unsafe('select pg_sleep(0.3)');
    const running = sleeping.then(() => 'done');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await gauge('trialgraph_db_statements_in_flight', 'pg_test')).toBe(1);
    await running;
    expect(await gauge('trialgraph_db_statements_in_flight', 'pg_test')).toBe(0);

    await sql.begin(async (tx) => {
      expect(await gauge('trialgraph_db_transactions_open', 'pg_test')).toBe(1);
      await tx.unsafe('select 1');
      await tx.savepoint((inner) => inner.unsafe('select 2'));
    });
    expect(await gauge('trialgraph_db_transactions_open', 'pg_test')).toBe(0);
    expect(await gauge('trialgraph_db_statements_total', 'pg_test')).toBe(3);
    await expect(sql.unsafe('select nope')).rejects.toThrow(/nope/);
    expect(await gauge('trialgraph_db_statements_in_flight', 'pg_test')).toBe(0);
  });

  it('does the same for PGlite, one connection', async () => {
    const db = instrumentPglite(pglite, { database: 'pglite_test', limits: DEFAULT_DATABASE_LIMITS });
    expect(await gauge('trialgraph_db_pool_max_connections', 'pglite_test')).toBe(1);
    await db.transaction(async (tx) => {
      expect(await gauge('trialgraph_db_transactions_open', 'pglite_test')).toBe(1);
      await tx.query('select 1');
    });
    await db.query('select 2');
    expect(await gauge('trialgraph_db_transactions_open', 'pglite_test')).toBe(0);
    expect(await gauge('trialgraph_db_statements_in_flight', 'pglite_test')).toBe(0);
    expect(await gauge('trialgraph_db_statements_total', 'pglite_test')).toBe(2);
  });
});
