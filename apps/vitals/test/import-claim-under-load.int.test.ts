import { adminHeaders, createTestDatabase, startApp, testToken, waitFor, type TestDatabase } from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolStudy, startVitalsStack, type EnrolledStudy, type VitalsStack } from './support/vitals-stack.js';

describe('an import is never given up while its process lives, however busy the pool (real processes, real PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let stack: VitalsStack;
  let study: EnrolledStudy;
  let sql: postgres.Sql;

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_claim_s'), createTestDatabase('tg_claim_v')]);
    stack = await startVitalsStack({ subjectsDatabaseUrl: subjectsDb.url, vitalsEnv: { VITALS_DATABASE_URL: vitalsDb.url } });
    study = await enrolStudy(stack.gateway.url, { code: 'CLM01', subjects: 2 });
    sql = postgres(vitalsDb.url, { max: 3, onnotice: () => {} });
  });

  afterAll(async () => {
    await sql?.end();
    await stack?.stop();
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  const vitalsWaitingOnLocks = async () =>
    Number(
      (
        await sql`select count(*)::int as n from pg_stat_activity
                 where application_name = 'trialgraph-vitals' and datname = current_database() and wait_event_type = 'Lock'`
      )[0]?.n,
    );

  it('keeps an import RUNNING through a sweep while all ten of its pooled connections are busy, then stores it whole', async () => {
    // Reads of vital signs wait behind the first lock, holding pooled connections; the import's
    // first write (its row's audit event) waits behind the second.
    const readsBlocker = await sql.reserve();
    const auditBlocker = await sql.reserve();
    await readsBlocker`begin`;
    await readsBlocker`lock table vital_signs in access exclusive mode`;
    await auditBlocker`begin`;
    await auditBlocker`lock table audit_events in share mode`;
    const headers = await adminHeaders();
    let reads: Array<Promise<unknown>> = [];
    try {
      const [a, b] = study.subjectNumbers as [string, string];
      const answer = importVitalsFile({
        url: stack.gateway.url,
        studyId: study.studyId,
        file: (async function* () {
          yield Buffer.from(`patient_id,record_time,heart_rate\n${a},2025-05-01T08:00:00Z,70\n${b},2025-05-01T08:00:00Z,71\n`);
        })(),
        fileName: 'under-load.csv',
        token: await testToken({ roles: ['ADMIN'] }),
      });
      answer.catch(() => {});
      await waitFor('the import row to wait on its audit event', async () => (await vitalsWaitingOnLocks()) === 1);

      // Twenty reads take the nine other connections and queue for more.
      reads = Array.from({ length: 20 }, (_, index) =>
        fetch(stack.gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({
            query: `query($id: ID!) { subject(id: $id) { vitals(first: 1) { totalCount } } }`,
            variables: { id: study.subjectIds[index % 2] },
          }),
        }).catch(() => undefined),
      );
      await waitFor('the pool to be full: ten connections waiting', async () => (await vitalsWaitingOnLocks()) === 10);

      // The import row is written; its connection goes to a queued read, so the import waits for
      // one, RUNNING, with the pool at 10/10.
      await auditBlocker`commit`;
      const [running] = await waitFor('a RUNNING import', async () => {
        const rows = await sql<Array<{ id: string }>>`select id from vitals_imports where file_name = 'under-load.csv' and status = 'RUNNING'`;
        return rows.length > 0 && rows;
      });
      await waitFor('the pool to be full again', async () => (await vitalsWaitingOnLocks()) === 10);
      // Older than the 2 s a sweep used to allow an import to take its claim.
      await waitFor(
        'the import to be 3 s old',
        async () => (await sql`select 1 from vitals_imports where id = ${running!.id} and started_at < now() - interval '3 seconds'`).length > 0,
      );

      // Another instance starts, and sweeps at its start: the import is alive, so it stays RUNNING.
      const other = await startApp('vitals', { VITALS_DATABASE_URL: vitalsDb.url, SUBJECTS_URL: `${stack.subjects.url}graphql`, LOG_LEVEL: 'warn' });
      await other.stop();
      const [afterSweep] = await sql`select status, failure_reason from vitals_imports where id = ${running!.id}`;
      expect(afterSweep).toEqual({ status: 'RUNNING', failure_reason: null });

      await readsBlocker`commit`;
      const report = (await answer).data?.importVitals;
      expect(report).toMatchObject({ id: running!.id, status: 'SUCCEEDED', rowsRead: 2, rowsAccepted: 2 });
      expect((await sql`select count(*)::int as n from vital_signs where import_id = ${running!.id}`)[0]?.n).toBe(2);
      const audit = await sql`select actor, reason from audit_events where entity_id = ${running!.id} and action = 'IMPORT_FINISHED'`;
      expect(audit).toEqual([{ actor: 'test-admin', reason: null }]);
    } finally {
      await auditBlocker`rollback`.catch(() => {});
      await readsBlocker`rollback`.catch(() => {});
      auditBlocker.release();
      readsBlocker.release();
      await Promise.all(reads);
    }
  }, 120_000);
});
