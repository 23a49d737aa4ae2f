import { createPostgresCluster, waitFor, type PostgresCluster } from '@trialgraph/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * postgres.js 3.4.9 buffers small writes and flushes them from a setImmediate; when the server
 * dies under a transaction, the ROLLBACK it sends lands on a connection whose socket is gone and
 * the flush throws from the timer (porsager/postgres#1154, #1208), killing the process. The
 * patch under patches/ settles those queries with CONNECTION_CLOSED instead.
 */
describe('postgres.js when the PostgreSQL server crashes under a transaction (private server)', () => {
  let cluster: PostgresCluster;
  let url: string;

  beforeAll(async () => {
    cluster = await createPostgresCluster();
    url = await cluster.createDatabase('crash_test');
  });

  afterAll(async () => {
    await cluster?.drop();
  });

  it('rejects the transaction with CONNECTION_CLOSED, throws nothing outside it, and serves again once the server is back', async () => {
    const uncaught: Error[] = [];
    const record = (error: Error) => uncaught.push(error);
    process.on('uncaughtException', record);
    const sql = postgres(url, { max: 4, onnotice: () => {}, connect_timeout: 2, backoff: () => 0.1 });
    try {
      await sql`create table readings (id serial primary key, value text not null)`;
      for (let trial = 1; trial <= 2; trial++) {
        let inserted = 0;
        const transaction = sql
          .begin(async (tx) => {
            for (;;) {
              await tx`insert into readings (value) values (${`trial ${trial} row ${inserted}`})`;
              inserted++;
            }
          })
          .then(
            () => undefined,
            (error: unknown) => error as { code?: string },
          );
        await waitFor('the transaction to be writing', async () => inserted > 20);
        await cluster.crash();
        const failure = await transaction;
        expect(failure?.code).toBe('CONNECTION_CLOSED');
        // What the process does while the server is down: timers run, nothing is thrown.
        await new Promise((resolve) => setTimeout(resolve, 500));
        await cluster.start();
        const rows = await waitFor(`a query to succeed after restart ${trial}`, () => sql`select count(*)::int as n from readings`.catch(() => undefined));
        // The crashed transactions were never committed.
        expect(rows[0]?.n).toBe(0);
      }
      expect(uncaught.map((error) => error.message)).toEqual([]);
    } finally {
      process.off('uncaughtException', record);
      await sql.end({ timeout: 5 });
    }
  }, 90_000);
});
