import { createTestDatabase, metricValue, scrapeMetrics, startApp, testToken, waitFor, type AppProcess, type TestDatabase } from '@trialgraph/testing';
import { importVitalsFile, type ImportVitalsResult } from '@trialgraph/upload-client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolStudy, startVitalsStack, type EnrolledStudy, type VitalsStack } from './support/vitals-stack.js';

/** `rows` valid readings of `subjects`, one every minute each from `start`, as CSV lines. */
function readings(subjects: readonly string[], rows: number, start: number): string {
  const lines: string[] = [];
  for (let index = 0; index < rows; index++) {
    const subject = subjects[index % subjects.length];
    const at = new Date(start + Math.floor(index / subjects.length) * 60_000).toISOString();
    lines.push(`${subject},${at},${60 + (index % 40)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A file sent in two parts: the second only once `release` is called, as a slow network would. */
function inTwoParts(first: string, second: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  async function* body(): AsyncGenerator<Uint8Array> {
    yield Buffer.from(first);
    await released;
    yield Buffer.from(second);
  }
  return { body: body(), release };
}

const HEADER = 'patient_id,record_time,heart_rate\n';

describe('the import pipeline when a row, a dependency or the subjects service fails mid-file (real processes, real PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let stack: VitalsStack;
  let subjects: AppProcess;
  let study: EnrolledStudy;
  let sql: postgres.Sql;
  let token: string;

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_pipe_s'), createTestDatabase('tg_pipe_v')]);
    stack = await startVitalsStack({
      subjectsDatabaseUrl: subjectsDb.url,
      vitalsEnv: {
        VITALS_DATABASE_URL: vitalsDb.url,
        // Four batches may wait for the database: when the import ends, some are queued and not started.
        IMPORT_PIPELINE_DEPTH: '4',
        SUBJECTS_CALL_TIMEOUT_MS: '1000',
        SUBJECTS_CALL_RETRIES: '6',
        SUBJECTS_RETRY_BACKOFF_MS: '250',
      },
    });
    subjects = stack.subjects;
    study = await enrolStudy(stack.gateway.url, { code: 'PIPE01', subjects: 10 });
    sql = postgres(vitalsDb.url, { max: 1, onnotice: () => {} });
    token = await testToken({ roles: ['ADMIN'] });
  });

  afterAll(async () => {
    await sql?.end();
    subjects?.process.kill('SIGCONT');
    await subjects?.stop();
    await stack?.stop();
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  const storedOf = async (importId: string) => Number((await sql`select count(*)::int as n from vital_signs where import_id = ${importId}`)[0]?.n);
  const upload = (file: AsyncIterable<Uint8Array>, fileName: string, importOptions = {}) =>
    importVitalsFile({ url: stack.gateway.url, studyId: study.studyId, file, fileName, importOptions, token }).catch((error: unknown) => error as Error);
  const runningImport = (fileName: string) =>
    waitFor(`the import of ${fileName} to run`, async () => {
      const [row] = await sql<Array<{ id: string }>>`select id from vitals_imports where file_name = ${fileName} and status = 'RUNNING'`;
      return row;
    });

  it('with onError ABORT stores nothing and leaves no write behind when the bad row comes while earlier batches are still being written', async () => {
    // 40,000 good rows, then a bad one: the parser is far ahead of the database, so batches are
    // queued for writing when it finds the bad row.
    const file = `${HEADER}${readings(study.subjectNumbers, 40_000, Date.UTC(2025, 0, 1))}${study.subjectNumbers[0]},2025-06-01T00:00:00Z,abc\n`;
    const answer = await upload(
      (async function* () {
        yield Buffer.from(file);
      })(),
      'abort-late.csv',
      { onError: 'ABORT' },
    );
    const report = (answer as ImportVitalsResult).data?.importVitals;
    expect(report).toMatchObject({ status: 'ABORTED', rowsAccepted: 0 });
    expect(report?.failureReason).toMatch(/^line 40002: heart_rate must be a whole number, got "abc"/);
    expect(await storedOf(report!.id)).toBe(0);
    expect((await sql`select count(*)::int as n from vital_signs`)[0]?.n).toBe(0);
    // No write outlived its transaction: a write issued after the rollback never runs and never
    // settles, and shows for ever as a statement in flight on vitals' pool.
    const inFlight = async () => metricValue(await scrapeMetrics(stack.vitals.url), 'trialgraph_db_statements_in_flight', { database: 'vitals' });
    await waitFor('no statement in flight on vitals', async () => (await inFlight()) === 0, 10_000);
    expect((await sql`select count(*)::int as n from vital_signs`)[0]?.n).toBe(0);
  }, 60_000);

  it('stores the whole file when the subjects service restarts while the import needs it', async () => {
    const [early, late] = [study.subjectNumbers.slice(0, 5), study.subjectNumbers.slice(5)];
    // The second part names subjects the first does not: the import must ask for them after the restart.
    const file = inTwoParts(`${HEADER}${readings(early, 20_000, Date.UTC(2025, 1, 1))}`, readings(late, 20_000, Date.UTC(2025, 1, 1)));
    const answer = upload(file.body, 'subjects-restart.csv');
    const running = await runningImport('subjects-restart.csv');

    const port = subjects.port;
    subjects.process.kill('SIGKILL');
    await subjects.stop();
    file.release();
    // Back on the same address after a few seconds, as a restarted deployment would be.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    subjects = await startApp('subjects', { PORT: String(port), SUBJECTS_DATABASE_URL: subjectsDb.url, LOG_LEVEL: 'warn' });

    const report = ((await answer) as ImportVitalsResult).data?.importVitals;
    expect(report).toMatchObject({ id: running.id, status: 'SUCCEEDED', rowsRead: 40_000, rowsAccepted: 40_000, rowsRejected: 0 });
    expect(await storedOf(running.id)).toBe(40_000);
  }, 120_000);

  it('ends FAILED naming the subjects service when it does not answer through every retry, and stores nothing', async () => {
    const file = inTwoParts(HEADER, readings(study.subjectNumbers, 10_000, Date.UTC(2025, 2, 1)));
    const answer = upload(file.body, 'subjects-hung.csv');
    const running = await runningImport('subjects-hung.csv');
    subjects.process.kill('SIGSTOP');
    try {
      file.release();
      const reply = (await answer) as ImportVitalsResult;
      expect(reply.errors).toBeUndefined();
      const report = reply.data?.importVitals;
      expect(report).toMatchObject({ id: running.id, status: 'FAILED', rowsAccepted: 0 });
      expect(report?.failureReason).toMatch(
        /^SUBJECTS_UNAVAILABLE: the subjects service did not answer when asked for the subjects of lines 2–\d+ \(no answer within 1000 ms; 7 attempts in \d+\.\d s\); nothing was stored: send the file again$/,
      );
    } finally {
      subjects.process.kill('SIGCONT');
    }
    expect(await storedOf(running.id)).toBe(0);
  }, 120_000);
});
