import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@trialgraph/testing';
import { sql } from 'drizzle-orm';
import { integer, pgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, savepointCopyOf, type OpenedDatabase } from '../src/index.js';

const keys = pgTable('keys', { key: integer().primaryKey() });
const schema = { keys };

function writeMigrations(directory: string): string {
  mkdirSync(join(directory, 'meta'), { recursive: true });
  writeFileSync(join(directory, '0000_keys.sql'), 'CREATE TABLE "keys" ("key" integer PRIMARY KEY, CONSTRAINT "keys_small" CHECK ("key" < 1000000000));');
  writeFileSync(
    join(directory, 'meta', '_journal.json'),
    JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when: 1, tag: '0000_keys', breakpoints: true }] }),
  );
  return directory;
}

/** COPY text of the keys from `from` up to `to`, in chunks of 1,000 lines. */
function* keyLines(from: number, to: number): Generator<string> {
  for (let start = from; start < to; start += 1_000) {
    yield Array.from({ length: Math.min(1_000, to - start) }, (_, index) => `${start + index}\n`).join('');
  }
}

/** Gives up on a promise that never settles, which is how the unpatched driver answered. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms).unref())]);
}

describe('COPY in a savepoint on PostgreSQL (savepointCopyOf)', () => {
  let testDatabase: TestDatabase;
  let directory: string;
  let opened: OpenedDatabase<typeof schema>;
  const stored = async () => rowsOf<{ n: number }>(await opened.db.execute(sql`select count(*)::int as n from keys`))[0]?.n;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('tg_savepoint_copy');
    directory = mkdtempSync(join(tmpdir(), 'tg-savepoint-copy-'));
    opened = await openDatabase({ url: testDatabase.url, dataDir: directory, name: 'copytest', schema, migrationsFolder: writeMigrations(directory) });
  });

  afterAll(async () => {
    await opened?.close();
    await testDatabase?.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await opened.db.execute(sql`truncate keys`);
    await opened.db.execute(sql`insert into keys values (5)`);
  });

  it('stores every row of a COPY that breaks no key', async () => {
    const copied = await opened.db.transaction(async (tx) => savepointCopyOf(tx)!('copy keys (key) from stdin', keyLines(100, 3_100)));
    expect(copied).toBe(true);
    expect(await stored()).toBe(3_001);
  });

  it('answers false when a stored key is met after the last row was sent, and the transaction goes on without the COPY', async () => {
    const copied = await within(
      opened.db.transaction(async (tx) => {
        const outcome = await savepointCopyOf(tx)!('copy keys (key) from stdin', keyLines(0, 10));
        await tx.execute(sql`insert into keys values (20)`);
        return outcome;
      }),
      10_000,
    );
    expect(copied).toBe(false);
    expect(rowsOf<{ key: number }>(await opened.db.execute(sql`select key from keys order by key`))).toEqual([{ key: 5 }, { key: 20 }]);
  });

  it('answers false when a key repeats while rows are still being sent', async () => {
    const copied = await within(
      opened.db.transaction(async (tx) =>
        savepointCopyOf(tx)!(
          'copy keys (key) from stdin',
          (function* () {
            yield* keyLines(0, 10);
            yield* keyLines(1_000, 200_000);
          })(),
        ),
      ),
      30_000,
    );
    expect(copied).toBe(false);
    expect(await stored()).toBe(1);
  });

  it('throws any other failure, and the transaction rolls back', async () => {
    const attempt = within(
      opened.db.transaction(async (tx) => savepointCopyOf(tx)!('copy keys (key) from stdin', keyLines(999_999_990, 1_000_000_010))),
      10_000,
    );
    await expect(attempt).rejects.toMatchObject({ code: '23514' });
    expect(await stored()).toBe(1);
  });

  it('keeps the rows of every COPY of a transaction but the refused ones, with the statements between them, and nests no savepoint in another', async () => {
    const nesting = await opened.db.transaction(async (tx) => {
      const copy = savepointCopyOf(tx)!;
      const outcomes = [await copy('copy keys (key) from stdin', keyLines(100, 200))];
      await tx.execute(sql`insert into keys values (300)`);
      // The second COPY goes in; the third is refused: the first stored 150.
      outcomes.push(await copy('copy keys (key) from stdin', keyLines(400, 500)), await copy('copy keys (key) from stdin', ['150\n']));
      outcomes.push(await copy('copy keys (key) from stdin', keyLines(600, 700)));
      for (let batch = 0; batch < 50; batch++) outcomes.push(await copy('copy keys (key) from stdin', [`${1_000 + batch}\n`]));
      await tx.execute(sql`insert into keys values (301)`);
      // One subtransaction open at most: the savepoints of earlier COPYs were released, so the first no longer exists.
      // Tried in a savepoint of its own, so its failure leaves the transaction whole.
      const firstSavepoint = await tx
        .transaction((inner) => inner.execute(sql`rollback to savepoint copy_1`))
        .then(
          () => 'still open',
          (error: unknown) => String((error as { cause?: unknown }).cause ?? error),
        );
      return { outcomes, firstSavepoint };
    });
    expect(nesting.outcomes.slice(0, 4)).toEqual([true, true, false, true]);
    expect(nesting.outcomes.slice(4).every(Boolean)).toBe(true);
    expect(nesting.firstSavepoint).toMatch(/savepoint "copy_1" does not exist/);
    // 5, 100–199, 300, 400–499, 600–699, 1000–1049 and 301.
    expect(await stored()).toBe(1 + 100 + 1 + 100 + 100 + 50 + 1);
  });

  it('has no COPY outside a transaction', () => {
    expect(savepointCopyOf(opened.db)).toBeUndefined();
  });
});
