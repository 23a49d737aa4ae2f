import { generateVitalsCsv } from '@trialgraph/csv/fixtures';
import { adminHeaders, createTestDatabase, testToken, waitFor, type TestDatabase } from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawUpload } from './support/raw-upload.js';
import { enrolStudy, startVitalsStack, type EnrolledStudy, type VitalsStack } from './support/vitals-stack.js';

const IDLE_TIMEOUT_MS = 5_000;
const UPLOADS = 10;

describe('uploads that trickle or wait hold no database connection (real processes, real PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let stack: VitalsStack;
  let study: EnrolledStudy;
  let sql: postgres.Sql;
  let token: string;
  let headers: { authorization: string };

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_trickle_s'), createTestDatabase('tg_trickle_v')]);
    stack = await startVitalsStack({
      subjectsDatabaseUrl: subjectsDb.url,
      vitalsEnv: {
        VITALS_DATABASE_URL: vitalsDb.url,
        MAX_CONCURRENT_IMPORTS: String(UPLOADS),
        IMPORT_DATABASE_CONNECTIONS: '2',
        UPLOAD_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
      },
    });
    study = await enrolStudy(stack.gateway.url, { code: 'TRK01', subjects: 5 });
    sql = postgres(vitalsDb.url, { max: 2, onnotice: () => {} });
    token = await testToken({ roles: ['ADMIN'] });
    headers = await adminHeaders();
  });

  afterAll(async () => {
    await sql?.end();
    await stack?.stop();
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  /** A read that needs vitals' database, through the gateway: one subject's readings. */
  const readVitals = async () => {
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        query: `query($id: ID!) { subject(id: $id) { subjectNumber vitals(first: 1) { totalCount } } }`,
        variables: { id: study.subjectIds[0] },
      }),
      // Far above a read's normal time, far below "hangs for as long as the uploads last".
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await response.json()) as { data?: { subject?: { vitals?: { totalCount: number } } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data?.subject?.vitals?.totalCount;
  };
  const importsNamed = async (fileName: string) =>
    sql<Array<{ status: string; failure_reason: string | null }>>`select status, failure_reason from vitals_imports where file_name = ${fileName}`;

  it('keeps answering reads while ten uploads trickle a byte every 2 s, ends them UPLOAD_STALLED when they stop, and refuses an eleventh at once', async () => {
    const uploads = Array.from(
      { length: UPLOADS },
      () => new RawUpload({ url: `${stack.vitals.url}graphql`, token, studyId: study.studyId, fileName: 'trickle.csv' }),
    );
    for (const upload of uploads) await upload.send('patient_id,record_time,heart_rate\n');
    await waitFor('ten RUNNING imports', async () => (await importsNamed('trickle.csv')).filter((row) => row.status === 'RUNNING').length === UPLOADS);

    // One byte each every 2 s, for 8 s: never idle for UPLOAD_IDLE_TIMEOUT_MS, so all stay RUNNING.
    for (let round = 0; round < 4; round++) {
      await Promise.all(uploads.map((upload) => upload.send(String(round))));
      expect(await readVitals()).toBe(0);
      const open = await sql`select count(*)::int as n from pg_stat_activity
                             where application_name = 'trialgraph-vitals' and datname = current_database() and xact_start is not null`;
      expect(open[0]?.n).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    expect((await importsNamed('trickle.csv')).every((row) => row.status === 'RUNNING')).toBe(true);

    // An eleventh import while ten run: refused before any of it is read, and told so in JSON.
    const refused = await importVitalsFile({
      url: `${stack.vitals.url}graphql`,
      studyId: study.studyId,
      file: (async function* () {
        yield Buffer.from(`patient_id,record_time,heart_rate\n${study.subjectNumbers[0]},2025-02-01T08:00:00Z,70\n`);
      })(),
      fileName: 'eleventh.csv',
      token,
    });
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors?.[0]).toMatchObject({
      message: `This vitals instance is already running ${UPLOADS} imports, its limit (MAX_CONCURRENT_IMPORTS); send the file again when one has finished.`,
      extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 30 },
    });
    expect(await importsNamed('eleventh.csv')).toEqual([]);

    // The clients stop sending without going away: each import ends FAILED, blamed on its upload.
    const answers = await Promise.all(uploads.map((upload) => upload.answer));
    for (const answer of answers) {
      expect(answer.body.data?.importVitals).toMatchObject({ status: 'FAILED', rowsAccepted: 0 });
      expect(answer.body.data?.importVitals?.failureReason).toMatch(
        /^UPLOAD_STALLED: no byte of the upload arrived for 5 s after \d+ bytes \(UPLOAD_IDLE_TIMEOUT_MS\); nothing was stored: check the connection and send the file again$/,
      );
    }
    expect((await importsNamed('trickle.csv')).map((row) => row.status)).toEqual(Array(UPLOADS).fill('FAILED'));
    for (const upload of uploads) upload.disconnect();
    expect(await readVitals()).toBe(0);
  }, 90_000);

  it('stores ten files sent at once holding at most IMPORT_DATABASE_CONNECTIONS connections, while reads go on', async () => {
    const file = generateVitalsCsv({ rows: 3_000, subjects: study.subjectNumbers, seed: 5 });
    // Writes wait behind this lock, so every import that reaches the database stays there.
    const blocker = await sql.reserve();
    await blocker`begin`;
    await blocker`lock table vital_signs in share mode`;
    let sending: Promise<Array<Awaited<ReturnType<typeof importVitalsFile>>>> | undefined;
    try {
      sending = Promise.all(
        Array.from({ length: UPLOADS }, (_, index) =>
          importVitalsFile({
            url: `${stack.vitals.url}graphql`,
            studyId: study.studyId,
            // Each file its own instants, so all ten store every row.
            file: generateVitalsCsv({ rows: 3_000, subjects: study.subjectNumbers, seed: 5, start: new Date(Date.UTC(2025, 3, 1 + index)) }).stream(),
            fileName: `burst-${index}.csv`,
            token,
          }),
        ),
      );
      // Awaited below; a failure before then must not surface as an unhandled rejection.
      sending.catch(() => {});
      const waitingOnTheLock = async () =>
        Number(
          (
            await sql`select count(*)::int as n from pg_stat_activity
                     where application_name = 'trialgraph-vitals' and datname = current_database() and wait_event_type = 'Lock'`
          )[0]?.n,
        );
      await waitFor('two imports to wait on the lock', async () => (await waitingOnTheLock()) === 2);
      // Each heartbeat (every 5 s) records the bytes received: all ten have their whole file.
      await waitFor('every upload to be received', async () => {
        const received = await sql`select count(*)::int as n from vitals_imports where file_name like 'burst-%' and status = 'RUNNING' and bytes_read > 0`;
        return received[0]?.n === UPLOADS;
      });
      // The eight others have their files and wait their turn holding nothing; reads still answer.
      for (let probe = 0; probe < 3; probe++) {
        expect(await readVitals()).toBe(0);
        expect(await waitingOnTheLock()).toBe(2);
      }
    } finally {
      await blocker`commit`;
      blocker.release();
    }
    const reports = (await sending).map((answer) => answer.data?.importVitals);
    expect(reports.map((report) => [report?.status, report?.rowsAccepted])).toEqual(Array(UPLOADS).fill(['SUCCEEDED', file.expected.valid]));
    expect((await sql`select count(*)::int as n from vital_signs`)[0]?.n).toBe(UPLOADS * file.expected.valid);
  }, 120_000);
});
