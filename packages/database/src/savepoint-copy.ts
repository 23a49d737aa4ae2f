import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { is } from 'drizzle-orm';
import { PostgresJsSession } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import type { Database } from './open-database.js';
import { isUniqueViolation } from './postgres-errors.js';

/**
 * Runs `statement`, a `copy … from stdin`, inside a savepoint of the transaction, fed with
 * `chunks` of COPY data as fast as the server takes them. Resolves true when every row went in,
 * false when a unique index refused one: the savepoint then undid the whole COPY and the
 * transaction goes on as before it. Any other failure is thrown.
 */
export type SavepointCopy = (statement: string, chunks: Iterable<string | Uint8Array>) => Promise<boolean>;

/**
 * The COPY of a drizzle transaction on PostgreSQL, or undefined where there is none (PGlite, or
 * `db` is not a transaction). COPY is PostgreSQL's bulk path, which drizzle has no API for; it
 * cannot skip rows that break a unique key, so it runs in a savepoint the caller can fall back from.
 *
 * Each call costs the server two waits for this process instead of four: the savepoint is set
 * in the same message as the COPY is started, and released by the next COPY's message (RELEASE
 * of the one before, then SAVEPOINT), not on its own. Between COPYs, the transaction's other
 * statements thus run inside the last savepoint, which COMMIT releases with the rest; at most
 * one is open at a time. Measured on a 1 M-row import of 100 COPYs, the server sat idle between
 * statements, waiting for this process, for a tenth of the time.
 *
 * postgres.js as released (3.4.9) never settled a COPY the server refused after the last row was
 * sent, so the caller hung in its transaction (porsager/postgres#1173): patches/postgres+3.4.9.patch
 * carries the fix, and test/savepoint-copy.int.test.ts holds it.
 */
export function savepointCopyOf(db: Database<Record<string, unknown>>): SavepointCopy | undefined {
  const session = db._.session;
  if (!is(session, PostgresJsSession)) return undefined;
  const client = session.client as postgres.Sql | postgres.TransactionSql;
  // Only a transaction's client has `savepoint`: outside one there is nothing to fall back within.
  if (!('savepoint' in client)) return undefined;
  let copies = 0;
  /** The savepoint of the last COPY, still open. */
  let open: string | undefined;
  return async (statement, chunks) => {
    const savepoint = `copy_${++copies}`;
    const marks = `${open === undefined ? '' : `release savepoint ${open}; `}savepoint ${savepoint}`;
    open = undefined;
    // Sent now, and the COPY right behind it on the same connection: the server runs both before it answers.
    // Through `unsafe`, so the statements are counted and put under their request's time like any other.
    const marked = client.unsafe(marks).simple().execute();
    // Observed now, so its failure is never unhandled while the COPY is awaited; reported after it.
    const markFailure = Promise.resolve(marked).then(() => undefined, asError);
    let copyFailure: Error | undefined;
    try {
      const copy = await client.unsafe(statement).writable();
      // One chunk ahead of the connection at most: a lazily built `chunks` is built only as fast as the server takes it.
      await pipeline(Readable.from(chunks, { highWaterMark: 1 }), copy);
    } catch (error) {
      copyFailure = asError(error);
    }
    // When the marks failed, the COPY failed for it (the transaction was aborted): theirs is the cause.
    const failure = (await markFailure) ?? copyFailure;
    if (failure === undefined) {
      open = savepoint;
      return true;
    }
    if (!isUniqueViolation(failure)) throw failure;
    await client.unsafe(`rollback to savepoint ${savepoint}`);
    open = savepoint;
    return false;
  };
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
