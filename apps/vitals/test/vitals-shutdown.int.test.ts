import { generateVitalsCsv } from '@trialgraph/csv/fixtures';
import { adminHeaders, createTestDatabase, startApp, waitFor, type AppProcess, type TestDatabase } from '@trialgraph/testing';
import { importVitalsFile, type ImportVitalsResult } from '@trialgraph/upload-client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolStudy, type EnrolledStudy } from './support/vitals-stack.js';

const ROWS = 300_000;
/** Imports get all but 2 s of it, so this one is interrupted about 2 s after the signal. */
const SHUTDOWN_TIMEOUT_MS = 6_000;

describe('vitals on SIGTERM in the middle of a large import through the gateway (real processes, real PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let subjects: AppProcess;
  let vitals: AppProcess;
  let gateway: AppProcess;
  let restarted: AppProcess | undefined;
  let study: EnrolledStudy;
  let sql: postgres.Sql;
  let token: string;
  let file: ReturnType<typeof generateVitalsCsv>;

  const vitalsEnv = () => ({
    VITALS_DATABASE_URL: vitalsDb.url,
    SUBJECTS_URL: `${subjects.url}graphql`,
    SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    LOG_LEVEL: 'warn',
  });

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_vstop_s'), createTestDatabase('tg_vstop_v')]);
    subjects = await startApp('subjects', { SUBJECTS_DATABASE_URL: subjectsDb.url, LOG_LEVEL: 'warn' });
    vitals = await startApp('vitals', vitalsEnv());
    gateway = await startApp('gateway', { SUBJECTS_URL: `${subjects.url}graphql`, VITALS_URL: `${vitals.url}graphql`, LOG_LEVEL: 'warn' });
    study = await enrolStudy(gateway.url, { code: 'STOP02', subjects: 20 });
    sql = postgres(vitalsDb.url, { max: 1, onnotice: () => {} });
    token = (await adminHeaders()).authorization.replace(/^Bearer /, '');
    file = generateVitalsCsv({ rows: ROWS, subjects: study.subjectNumbers, badRowFraction: 0.001, seed: 17 });
  });

  afterAll(async () => {
    await sql?.end();
    await Promise.all([gateway?.stop(), restarted?.stop(), vitals?.stop('SIGKILL'), subjects?.stop()]);
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  const upload = (fileName: string) =>
    importVitalsFile({ url: gateway.url, studyId: study.studyId, file: file.stream(5_000), fileName, token }).catch((error: unknown) => error as Error);
  const storedCount = async () => Number((await sql`select count(*)::int as n from vital_signs`)[0]?.n);

  it('stops within SHUTDOWN_TIMEOUT_MS with exit 0, leaves the import INTERRUPTED with no row stored, and the same file sent again is stored once', async () => {
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => vitals.process.once('exit', (code) => resolve({ code, at: Date.now() })));
    const answer: Promise<ImportVitalsResult | Error> = upload('deploy-day.csv');

    // Mid-file: the import is RUNNING and its transaction has written rows.
    const [running] = await waitFor('a RUNNING import', async () => {
      const rows = await sql`select id from vitals_imports where status = 'RUNNING'`;
      return rows.length > 0 && rows;
    });
    await waitFor('the import to write rows', async () => {
      const writers =
        await sql`select 1 from pg_stat_activity where application_name = 'trialgraph-vitals' and datname = current_database() and backend_xid is not null`;
      return writers.length > 0;
    });
    const signalledAt = Date.now();
    vitals.process.kill('SIGTERM');

    const { code, at } = await exited;
    const stoppedInMs = at - signalledAt;
    expect(code).toBe(0);
    expect(stoppedInMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);

    // All or nothing: INTERRUPTED with no row, or (had it finished in the grace period) every row.
    const [first] = await sql`select status, rows_accepted, failure_reason from vitals_imports where id = ${running!.id}`;
    const stored = await storedCount();
    expect(['INTERRUPTED', 'SUCCEEDED']).toContain(first?.status);
    expect(stored).toBe(first?.status === 'SUCCEEDED' ? file.expected.valid : 0);
    // The client waiting on the gateway hears how it ended, or that vitals went away: never a success that was not stored.
    const reply = await answer;
    const report = reply instanceof Error ? undefined : reply.data?.importVitals;
    if (report) expect(report).toMatchObject({ id: running!.id, status: first?.status });
    console.info(
      `SIGTERM mid-import: exit ${code} after ${stoppedInMs} ms; import ${first?.status} (${first?.failure_reason ?? 'no reason'}); ` +
        `client got ${reply instanceof Error ? reply.message : report ? `report ${report.status}` : JSON.stringify(reply.errors)}`,
    );

    // After a restart on the same address, the same file completes once.
    restarted = await startApp('vitals', { ...vitalsEnv(), PORT: String(vitals.port) });
    const again = await upload('deploy-day.csv');
    expect(again).not.toBeInstanceOf(Error);
    const secondReport = (again as ImportVitalsResult).data?.importVitals;
    expect(secondReport).toMatchObject({ status: 'SUCCEEDED', rowsRead: ROWS, rowsRejected: file.expected.bad });
    expect(secondReport!.rowsAccepted + secondReport!.rowsDuplicate).toBe(file.expected.valid);
    expect(await storedCount()).toBe(file.expected.valid);
    const doubled = await sql`select subject_id, recorded_at from vital_signs group by 1, 2 having count(*) > 1 limit 1`;
    expect(doubled).toEqual([]);
  }, 120_000);
});
