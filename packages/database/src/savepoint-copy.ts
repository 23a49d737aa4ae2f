import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { is } from 'drizzle-orm';
import { PostgresJsSession } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import type { Database } from './open-database.js';
import { isUniqueViolation } from './postgres-errors.js';

/**
 * Runs `statement`, a `copy … from stdin`, inside a savepoint of the transaction, fed with
 * `chunks` of COPY text as fast as the server takes them. Resolves true when every row went in,
 * false when a unique index refused one: the savepoint then undid the whole COPY and the
 * transaction goes on as before it. Any other failure is thrown.
 */
export type SavepointCopy = (statement: string, chunks: Iterable<string | Uint8Array>) => Promise<boolean>;

/**
 * The COPY of a drizzle transaction on PostgreSQL, or undefined where there is none (PGlite, or
 * `db` is not a transaction). COPY is PostgreSQL's bulk path, which drizzle has no API for; it
 * cannot skip rows that break a unique key, so it runs in a savepoint the caller can fall back from.
 *
 * postgres.js as released (3.4.9) never settled a COPY the server refused after the last row was
 * sent, so the caller hung in its transaction (porsager/postgres#1173): patches/postgres+3.4.9.patch
 * carries the fix, and test/savepoint-copy.int.test.ts holds it.
 */
export function savepointCopyOf(db: Database<Record<string, unknown>>): SavepointCopy | undefined {
  const session = db._.session;
  if (!is(session, PostgresJsSession)) return undefined;
  const client = session.client as postgres.Sql | postgres.TransactionSql;
  if (!('savepoint' in client)) return undefined;
  return async (statement, chunks) => {
    try {
      await client.savepoint(async (savepoint) => {
        // Through `unsafe`, so the statement is counted and put under its request's time like any other.
        const copy = await savepoint.unsafe(statement).writable();
        // One chunk ahead of the connection at most: a lazily built `chunks` is built only as fast as the server takes it.
        await pipeline(Readable.from(chunks, { highWaterMark: 1 }), copy);
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  };
}
