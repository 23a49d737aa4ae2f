import { REQUEST_DEADLINE_HEADER } from '@trialgraph/observability';
import {
  adminHeaders,
  createTestDatabase,
  graphqlRequest,
  metricValue,
  scrapeMetrics,
  startApp,
  waitFor,
  type AppProcess,
  type GraphqlResponse,
  type TestDatabase,
} from '@trialgraph/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const STUDIES = '{ studies { id code } }';

/**
 * Every statement a subjects request sends is bounded in time: by the request's deadline (the
 * caller's x-request-deadline, at most SUBGRAPH_REQUEST_DEADLINE_MS), by the client staying, and
 * by the session limits PostgreSQL enforces itself. The test blocks the studies table with a lock
 * of its own, so a read waits until one of those bounds ends it.
 */
describe('subjects statements bounded by deadline, client and session limits (real processes, real PostgreSQL)', () => {
  let database: TestDatabase;
  let sql: postgres.Sql;
  let subjects: AppProcess;
  let lockLimited: AppProcess;
  let statementLimited: AppProcess;
  let headers: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase('tg_time_limits');
    sql = postgres(database.url, { max: 2, onnotice: () => {} });
    const env = { SUBJECTS_DATABASE_URL: database.url, LOG_LEVEL: 'warn' };
    // Limits far apart, so each test meets the one it is about first.
    [subjects, lockLimited, statementLimited] = await Promise.all([
      startApp('subjects', env),
      startApp('subjects', { ...env, DB_LOCK_TIMEOUT_MS: '400', SUBGRAPH_REQUEST_DEADLINE_MS: '20000' }),
      startApp('subjects', { ...env, DB_STATEMENT_TIMEOUT_MS: '400', SUBGRAPH_REQUEST_DEADLINE_MS: '20000' }),
    ]);
    headers = await adminHeaders();
    const created = await graphqlRequest(
      subjects.url,
      `mutation { createStudy(input: { code: "TIME01", name: "Time", sites: [{ code: "S01", name: "North" }] }) { id } }`,
      {},
      headers,
    );
    expect(created.errors).toBeUndefined();
  });

  afterAll(async () => {
    await Promise.all([subjects?.stop(), lockLimited?.stop(), statementLimited?.stop()]);
    await sql?.end();
    await database?.drop();
  });

  /** Holds an exclusive lock on the studies table until the returned release is called. */
  async function lockStudies(): Promise<() => Promise<void>> {
    const holder = await sql.reserve();
    await holder`begin`;
    await holder`lock table studies in access exclusive mode`;
    return async () => {
      await holder`rollback`;
      holder.release();
    };
  }

  /** Statements of subjects processes waiting on, or running against, the studies table. */
  const studiesStatements = () =>
    sql`select pid, state, wait_event_type from pg_stat_activity
        where datname = current_database() and application_name = 'trialgraph-subjects'
          and state = 'active' and query ilike '%studies%'`;

  const studiesOf = (app: AppProcess, extraHeaders: Record<string, string> = {}, signal?: AbortSignal) =>
    fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers, ...extraHeaders },
      body: JSON.stringify({ query: STUDIES }),
      signal: signal ?? AbortSignal.timeout(15_000),
    }).then(async (response) => ({ status: response.status, ...((await response.json()) as Omit<GraphqlResponse, 'status'>) }));

  it('answers SERVICE_UNAVAILABLE naming the deadline when it passes during a blocked statement, and cancels the statement', async () => {
    const release = await lockStudies();
    try {
      const before =
        metricValue(await scrapeMetrics(subjects.url), 'trialgraph_db_statements_cancelled_total', { database: 'subjects', reason: 'deadline' }) ?? 0;
      const sent = Date.now();
      const answer = await studiesOf(subjects, { [REQUEST_DEADLINE_HEADER]: String(sent + 1_000) });
      const tookMs = Date.now() - sent;
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', dependency: 'deadline' });
      expect(answer.errors?.[0]?.message).toMatch(/deadline passed/);
      expect(tookMs).toBeLessThan(5_000);
      // Gone from PostgreSQL, not left waiting for the lock.
      await waitFor('the cancelled statement to leave pg_stat_activity', async () => (await studiesStatements()).length === 0, 1_000);
      const after = metricValue(await scrapeMetrics(subjects.url), 'trialgraph_db_statements_cancelled_total', { database: 'subjects', reason: 'deadline' });
      expect(after).toBe(before + 1);
    } finally {
      await release();
    }
  });

  it('cancels the statement of a client that disconnects mid-query', async () => {
    const release = await lockStudies();
    try {
      const client = new AbortController();
      const leaving = studiesOf(subjects, {}, client.signal).catch((error: unknown) => error as Error);
      await waitFor('the read to wait for the lock', async () => (await studiesStatements()).length > 0, 10_000);
      client.abort();
      expect(await leaving).toBeInstanceOf(Error);
      await waitFor('no statement left behind by the client that left', async () => (await studiesStatements()).length === 0, 1_000);
      expect(metricValue(await scrapeMetrics(subjects.url), 'trialgraph_db_statements_cancelled_total', { database: 'subjects', reason: 'client_gone' })).toBe(
        1,
      );
    } finally {
      await release();
    }
  });

  it('refuses a request that arrives past its deadline before it sends any statement', async () => {
    const statementsBefore = metricValue(await scrapeMetrics(subjects.url), 'trialgraph_db_statements_total', { database: 'subjects' });
    const answer = await studiesOf(subjects, { [REQUEST_DEADLINE_HEADER]: String(Date.now() - 2_000) });
    expect(answer.status).toBe(503);
    expect(answer.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', dependency: 'deadline', requestId: expect.any(String) });
    expect(answer.errors?.[0]?.message).toMatch(/after its deadline/);
    expect(metricValue(await scrapeMetrics(subjects.url), 'trialgraph_db_statements_total', { database: 'subjects' })).toBe(statementsBefore);
  });

  it('answers SERVICE_UNAVAILABLE naming the lock timeout when a statement waits longer than DB_LOCK_TIMEOUT_MS', async () => {
    const release = await lockStudies();
    try {
      const answer = await studiesOf(lockLimited);
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', dependency: 'database' });
      expect(answer.errors?.[0]?.message).toMatch(/waited more than 400 ms \(DB_LOCK_TIMEOUT_MS\) for a lock/);
    } finally {
      await release();
    }
  });

  it('answers SERVICE_UNAVAILABLE naming the statement timeout when a statement runs longer than DB_STATEMENT_TIMEOUT_MS', async () => {
    const release = await lockStudies();
    try {
      const answer = await studiesOf(statementLimited);
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', dependency: 'database' });
      expect(answer.errors?.[0]?.message).toMatch(/ran longer than its 400 ms limit \(DB_STATEMENT_TIMEOUT_MS\)/);
    } finally {
      await release();
    }
  });

  it('still answers reads once the lock is gone', async () => {
    const answer = await studiesOf(subjects, { [REQUEST_DEADLINE_HEADER]: String(Date.now() + 5_000) });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.studies).toEqual([expect.objectContaining({ code: 'TIME01' })]);
  });
});
