import { generateVitalsCsv } from '@trialgraph/csv/fixtures';
import { adminHeaders, createTestDatabase, graphqlRequest, startApp, testToken, waitFor, type AppProcess, type TestDatabase } from '@trialgraph/testing';
import { importVitalsFile, type ImportVitalsResult } from '@trialgraph/upload-client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolStudy, startVitalsStack, type EnrolledStudy, type VitalsStack } from './support/vitals-stack.js';

const ROWS = 120_000;

/**
 * The file as a slow network delivers it: the first `sendRows` rows at once, then nothing
 * until `release()`, so the import is caught mid-file for as long as the test needs.
 */
function stalledUpload(file: ReturnType<typeof generateVitalsCsv>, sendRows: number) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let rowsSent = 0;
  async function* body(): AsyncGenerator<Uint8Array> {
    for await (const chunk of file.stream(2_000)) {
      yield chunk;
      rowsSent += 2_000;
      if (rowsSent >= sendRows) {
        await released;
        return;
      }
    }
  }
  return { body: body(), release, rowsSent: () => rowsSent };
}

describe('an import cut off by the death of the vitals process (real processes, real PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let stack: VitalsStack;
  let restarted: AppProcess | undefined;
  let study: EnrolledStudy;
  let vitalsSql: postgres.Sql;
  let token: string;
  let file: ReturnType<typeof generateVitalsCsv>;

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_intr_s'), createTestDatabase('tg_intr_v')]);
    stack = await startVitalsStack({ subjectsDatabaseUrl: subjectsDb.url, vitalsEnv: { VITALS_DATABASE_URL: vitalsDb.url } });
    study = await enrolStudy(stack.gateway.url, { code: 'INT01', subjects: 10 });
    vitalsSql = postgres(vitalsDb.url, { max: 1, onnotice: () => {} });
    token = await testToken({ roles: ['ADMIN'] });
    file = generateVitalsCsv({ rows: ROWS, subjects: study.subjectNumbers, badRowFraction: 0.001, seed: 9 });
  });

  afterAll(async () => {
    await vitalsSql?.end();
    await restarted?.stop();
    await stack?.stop();
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  const storedCount = async () => Number((await vitalsSql`select count(*)::int as n from vital_signs`)[0]?.n);
  const openVitalsTransactions = async () =>
    Number(
      (
        await vitalsSql`select count(*)::int as n from pg_stat_activity where application_name = 'trialgraph-vitals' and datname = current_database() and xact_start is not null`
      )[0]?.n,
    );
  const importStatus = async (gatewayUrl: string, id: string) =>
    (
      await graphqlRequest(
        gatewayUrl,
        `query($id: ID!) { vitalsImport(id: $id) { status rowsAccepted failureReason finishedAt } }`,
        { id },
        await adminHeaders(),
      )
    ).data?.vitalsImport;

  it('marks an import INTERRUPTED when vitals restarts after kill -9, with no partial rows, and a second upload completes it once', async () => {
    const upload = stalledUpload(file, 60_000);
    const cutOff: Promise<ImportVitalsResult | Error> = importVitalsFile({
      url: stack.gateway.url,
      studyId: study.studyId,
      file: upload.body,
      fileName: 'cut-off.csv',
      token,
    }).catch((error: unknown) => error as Error);

    const [running] = await waitFor('a RUNNING import', async () => {
      const rows = await vitalsSql`select id from vitals_imports where status = 'RUNNING'`;
      return rows.length > 0 && rows;
    });
    // The import is receiving the file (its heartbeat reports bytes), and holds no database
    // connection in a transaction while it waits for the rest: it is claimed otherwise.
    await waitFor(
      'the import to report bytes received',
      async () => (await vitalsSql`select 1 from vitals_imports where id = ${running!.id} and bytes_read > 0`).length > 0,
    );
    expect(await openVitalsTransactions()).toBe(0);
    expect(await storedCount()).toBe(0);

    // A second instance starting now sweeps at its start too, and leaves the live import alone.
    const other = await startApp('vitals', { VITALS_DATABASE_URL: vitalsDb.url, SUBJECTS_URL: `${stack.subjects.url}graphql`, LOG_LEVEL: 'warn' });
    await other.stop();
    expect((await vitalsSql`select status from vitals_imports where id = ${running!.id}`)[0]?.status).toBe('RUNNING');

    stack.vitals.process.kill('SIGKILL');
    await stack.vitals.stop();
    upload.release();
    const answer = await cutOff;
    // The client hears that vitals went away, and that it may send the file again.
    expect(answer).toMatchObject({
      status: 503,
      errors: [{ message: 'the vitals service could not take the upload; retry in a moment', extensions: { code: 'SERVICE_UNAVAILABLE' } }],
    });

    restarted = await startApp('vitals', {
      PORT: String(stack.vitals.port),
      VITALS_DATABASE_URL: vitalsDb.url,
      SUBJECTS_URL: `${stack.subjects.url}graphql`,
      LOG_LEVEL: 'warn',
    });
    expect(await importStatus(stack.gateway.url, running!.id)).toMatchObject({
      status: 'INTERRUPTED',
      rowsAccepted: 0,
      failureReason: 'the process stopped before the import finished; no row of it was stored: upload the file again',
      finishedAt: expect.any(String),
    });
    expect(await storedCount()).toBe(0);

    const again = await importVitalsFile({ url: stack.gateway.url, studyId: study.studyId, file: file.stream(), fileName: 'cut-off.csv', token });
    expect(again.data?.importVitals).toMatchObject({
      status: 'SUCCEEDED',
      rowsRead: ROWS,
      rowsAccepted: file.expected.valid,
      rowsRejected: file.expected.bad,
      rowsDuplicate: 0,
    });
    expect(await storedCount()).toBe(file.expected.valid);
  }, 60_000);

  it('on SIGTERM gives up an import whose upload has stalled, marks it INTERRUPTED itself, and exits 0 in time', async () => {
    const vitals = await startApp('vitals', {
      VITALS_DATABASE_URL: vitalsDb.url,
      SUBJECTS_URL: `${stack.subjects.url}graphql`,
      SHUTDOWN_TIMEOUT_MS: '4000',
      LOG_LEVEL: 'warn',
    });
    const before = await storedCount();
    const upload = stalledUpload(file, 20_000);
    const answer = importVitalsFile({ url: `${vitals.url}graphql`, studyId: study.studyId, file: upload.body, fileName: 'stalled.csv', token });
    const [running] = await waitFor('a RUNNING import', async () => {
      const rows = await vitalsSql`select id from vitals_imports where status = 'RUNNING' and file_name = 'stalled.csv'`;
      return rows.length > 0 && rows;
    });
    await waitFor(
      'the import to report bytes received',
      async () => (await vitalsSql`select 1 from vitals_imports where id = ${running!.id} and bytes_read > 0`).length > 0,
    );

    const stoppedAt = Date.now();
    const exitCode = await vitals.stop('SIGTERM');
    upload.release();
    // The client is told, in the report it waited for, that nothing was stored and to send again.
    expect((await answer).data?.importVitals).toMatchObject({
      status: 'INTERRUPTED',
      rowsAccepted: 0,
      failureReason: 'the service stopped before the import finished; no row of it was stored: upload the file again',
    });
    expect(exitCode).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(9_000);
    const [row] = await vitalsSql`select status, failure_reason from vitals_imports where id = ${running!.id}`;
    expect(row).toEqual({
      status: 'INTERRUPTED',
      failure_reason: 'the service stopped before the import finished; no row of it was stored: upload the file again',
    });
    expect(await storedCount()).toBe(before);
  }, 40_000);
});
