import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricsRegistry, runInRequestScope, type RequestScope } from '@trialgraph/observability';
import { createTestDatabase, type TestDatabase } from '@trialgraph/testing';
import { sql } from 'drizzle-orm';
import { pgTable, serial, text } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type OpenedDatabase } from '../src/index.js';

const notes = pgTable('notes', { id: serial().primaryKey(), body: text().notNull() });
const schema = { notes };

/** One migration creating `notes`, in drizzle's folder layout. */
function writeMigrations(directory: string): string {
  mkdirSync(join(directory, 'meta'), { recursive: true });
  writeFileSync(join(directory, '0000_notes.sql'), 'CREATE TABLE "notes" ("id" serial PRIMARY KEY, "body" text NOT NULL);');
  writeFileSync(
    join(directory, 'meta', '_journal.json'),
    JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when: 1, tag: '0000_notes', breakpoints: true }] }),
  );
  return directory;
}

function scope(deadlineInMs: number, signal = new AbortController().signal): RequestScope {
  return { requestId: 'test', deadline: Date.now() + deadlineInMs, signal };
}

async function cancelled(database: string, reason: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('trialgraph_db_statements_cancelled_total')?.get();
  return metric?.values.find((value) => value.labels.database === database && value.labels.reason === reason)?.value ?? 0;
}

// Drizzle's queries are lazy thenables that start when awaited: each request below awaits its own
// inside the scope, as a resolver does.

/** The chain of causes of a failure, flattened to what a client would be told. */
function failureOf(error: unknown): { message: string; extensions: Record<string, unknown> } | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const extensions = (current as { extensions?: Record<string, unknown> }).extensions;
    if (extensions?.code) return { message: current.message, extensions };
  }
  return undefined;
}

describe('openDatabase on PostgreSQL: session limits and statements bounded by their request', () => {
  let testDatabase: TestDatabase;
  let directory: string;
  let opened: OpenedDatabase<typeof schema>;
  let admin: postgres.Sql;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('tg_bounded');
    directory = mkdtempSync(join(tmpdir(), 'tg-bounded-'));
    opened = await openDatabase({
      url: testDatabase.url,
      dataDir: directory,
      name: 'bounded_pg',
      schema,
      migrationsFolder: writeMigrations(join(directory, 'drizzle')),
      poolSize: 2,
      limits: { statementTimeoutMs: 7_000, lockTimeoutMs: 3_000, idleInTransactionTimeoutMs: 11_000 },
    });
    admin = postgres(testDatabase.url, { max: 1, onnotice: () => {} });
  });

  afterAll(async () => {
    await opened?.close();
    await admin?.end();
    await testDatabase?.drop();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  const setting = async (name: string, db = opened.db) =>
    rowsOf<{ value: string }>(await db.execute(sql.raw(`select current_setting('${name}') as value`)))[0]?.value;

  it('opens every session with the configured statement, lock and idle-in-transaction limits', async () => {
    expect(await setting('statement_timeout')).toBe('7s');
    expect(await setting('lock_timeout')).toBe('3s');
    expect(await setting('idle_in_transaction_session_timeout')).toBe('11s');
  });

  it("cancels a statement when its request's deadline passes, and says so", async () => {
    const before = await cancelled('bounded_pg', 'deadline');
    const started = Date.now();
    const failure = await runInRequestScope(scope(300), async () => opened.db.execute(sql`select pg_sleep(5)`)).catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(failureOf(failure)?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', dependency: 'deadline' });
    expect(await cancelled('bounded_pg', 'deadline')).toBe(before + 1);
    const running = await admin`select 1 from pg_stat_activity where query like '%pg_sleep(5)%' and state = 'active' and pid <> pg_backend_pid()`;
    expect(running).toHaveLength(0);
  });

  it('cancels a statement when its client leaves', async () => {
    const client = new AbortController();
    setTimeout(() => client.abort(new DOMException('the client closed the request', 'AbortError')), 200);
    const failure = await runInRequestScope(scope(10_000, client.signal), async () => opened.db.execute(sql`select pg_sleep(5)`)).catch(
      (error: unknown) => error,
    );
    expect(failureOf(failure)?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', dependency: 'client' });
    expect(await cancelled('bounded_pg', 'client_gone')).toBeGreaterThanOrEqual(1);
  });

  it('answers a transaction still waiting for a connection at its deadline, and never runs its body', async () => {
    let releaseBoth!: () => void;
    const held = new Promise<void>((resolve) => (releaseBoth = resolve));
    // Both pooled connections busy in transactions of their own.
    const holders = [1, 2].map(() => opened.db.transaction(async () => held));
    await new Promise((resolve) => setTimeout(resolve, 200));
    let bodyRan = false;
    const started = Date.now();
    const failure = await runInRequestScope(scope(300), () =>
      opened.db.transaction(async (tx) => {
        bodyRan = true;
        await tx.insert(notes).values({ body: 'written after the deadline' });
      }),
    ).catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(failureOf(failure)?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', dependency: 'deadline' });
    releaseBoth();
    await Promise.all(holders);
    // The transaction got its connection once the holders ended, and gave it back untouched.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bodyRan).toBe(false);
    expect(await opened.db.select().from(notes)).toEqual([]);
  });

  it('refuses a statement of a request already past its deadline without sending it', async () => {
    const failure = await runInRequestScope(scope(-1), async () => opened.db.select().from(notes)).catch((error: unknown) => error);
    expect(failureOf(failure)).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', dependency: 'deadline' } });
    expect(failureOf(failure)?.message).toMatch(/deadline passed/);
  });

  it('gives a lock wait past DB_LOCK_TIMEOUT_MS a message naming it', async () => {
    const holder = await admin.reserve();
    try {
      await holder`begin`;
      await holder`lock table notes in access exclusive mode`;
      const failure = await opened.db
        .select()
        .from(notes)
        .catch((error: unknown) => error);
      expect(failureOf(failure)).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', dependency: 'database' } });
      expect(failureOf(failure)?.message).toMatch(/more than 3000 ms \(DB_LOCK_TIMEOUT_MS\)/);
    } finally {
      await holder`rollback`;
      holder.release();
    }
  });
});

describe('openDatabase on PGlite: a request given up starts no statement (PGlite cannot cancel one)', () => {
  let directory: string;
  let opened: OpenedDatabase<typeof schema>;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'tg-bounded-pglite-'));
    opened = await openDatabase({ dataDir: directory, name: 'bounded_pglite', schema, migrationsFolder: writeMigrations(join(directory, 'drizzle')) });
  });

  afterAll(async () => {
    await opened?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('runs statements of a request within its deadline and refuses those after it', async () => {
    await runInRequestScope(scope(5_000), async () => opened.db.insert(notes).values({ body: 'in time' }));
    const failure = await runInRequestScope(scope(-1), async () => opened.db.insert(notes).values({ body: 'too late' })).catch((error: unknown) => error);
    expect(failureOf(failure)?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', dependency: 'deadline' });
    const client = new AbortController();
    client.abort(new DOMException('the client closed the request', 'AbortError'));
    const gone = await runInRequestScope(scope(5_000, client.signal), async () =>
      opened.db.transaction((tx) => tx.insert(notes).values({ body: 'nobody waits' })),
    ).catch((error: unknown) => error);
    expect(failureOf(gone)?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', dependency: 'client' });
    expect((await opened.db.select().from(notes)).map((note) => note.body)).toEqual(['in time']);
    expect(await cancelled('bounded_pglite', 'deadline')).toBe(1);
    expect(await cancelled('bounded_pglite', 'client_gone')).toBe(1);
  });
});
