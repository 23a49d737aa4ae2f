import { generateVitalsCsv } from '@trialgraph/csv/fixtures';
import { createTestDatabase, testToken, waitFor, type TestDatabase } from '@trialgraph/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawUpload } from './support/raw-upload.js';
import { enrolStudy, startVitalsStack, type EnrolledStudy, type VitalsStack } from './support/vitals-stack.js';

const ROWS = 300_000;

describe('a client that leaves stops its import at once (real processes, real PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let stack: VitalsStack;
  let study: EnrolledStudy;
  let sql: postgres.Sql;
  let token: string;
  let file: ReturnType<typeof generateVitalsCsv>;

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_leave_s'), createTestDatabase('tg_leave_v')]);
    stack = await startVitalsStack({ subjectsDatabaseUrl: subjectsDb.url, vitalsEnv: { VITALS_DATABASE_URL: vitalsDb.url } });
    study = await enrolStudy(stack.gateway.url, { code: 'LEAVE01', subjects: 10 });
    sql = postgres(vitalsDb.url, { max: 1, onnotice: () => {} });
    token = await testToken({ roles: ['ADMIN'] });
    file = generateVitalsCsv({ rows: ROWS, subjects: study.subjectNumbers, seed: 11 });
  });

  afterAll(async () => {
    await sql?.end();
    await stack?.stop();
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  /** vitals backends holding a lock on vital_signs: an import's transaction that has written rows. */
  const vitalsWriters = async () =>
    Number(
      (
        await sql`select count(*)::int as n from pg_locks l join pg_stat_activity a on a.pid = l.pid
                 where a.application_name = 'trialgraph-vitals' and a.datname = current_database() and l.relation = 'vital_signs'::regclass`
      )[0]?.n,
    );
  /** vitals backends in a transaction, doing nothing: what a leaked transaction looks like. */
  const idleInTransaction = async () =>
    Number(
      (
        await sql`select count(*)::int as n from pg_stat_activity
                 where application_name like 'trialgraph-vitals%' and datname = current_database() and state like 'idle in transaction%'`
      )[0]?.n,
    );
  const endOf = (fileName: string) =>
    waitFor(
      `the import of ${fileName} to end`,
      async () => {
        const [row] = await sql<Array<{ status: string; failure_reason: string; rows_read: number }>>`
          select status, failure_reason, rows_read from vitals_imports where file_name = ${fileName} and status <> 'RUNNING'`;
        return row;
      },
      15_000,
    );

  it('ends each of ten uploads abandoned mid-file through the gateway, FAILED, having written nothing after the client left', async () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const fileName = `abandoned-${attempt}.csv`;
      const upload = new RawUpload({ url: stack.gateway.url, token, studyId: study.studyId, fileName });
      let sent = 0;
      for (const chunk of file.chunks(5_000)) {
        await upload.send(chunk);
        sent += chunk.length;
        if (sent > 6_000_000) break;
      }
      upload.disconnect();
      // From the moment the client is gone, no transaction of vitals writes a row of it.
      for (let probe = 0; probe < 5; probe++) expect(await vitalsWriters()).toBe(0);
      const end = await endOf(fileName);
      expect(end.status).toBe('FAILED');
      expect(end.failure_reason).toMatch(
        /^UPLOAD_INCOMPLETE: the upload stopped after \d+\.\d MiB: the client closed the connection; nothing was stored: send the file again$/,
      );
    }
    expect(await idleInTransaction()).toBe(0);
    expect((await sql`select count(*)::int as n from vital_signs`)[0]?.n).toBe(0);
  }, 180_000);

  it('stops an import whose client leaves while its rows are being stored, rolls it back and says the client left', async () => {
    const upload = new RawUpload({ url: `${stack.vitals.url}graphql`, token, studyId: study.studyId, fileName: 'left-while-storing.csv' });
    for (const chunk of file.chunks(5_000)) await upload.send(chunk);
    upload.finish();
    await waitFor('the import to store rows', async () => (await vitalsWriters()) > 0);
    upload.disconnect();

    const end = await endOf('left-while-storing.csv');
    expect(end).toMatchObject({
      status: 'INTERRUPTED',
      failure_reason: 'the client closed its connection before the import finished; no row of it was stored: upload the file again',
    });
    // It stopped where it was, not at the end of the file.
    expect(end.rows_read).toBeLessThan(ROWS);
    expect(await vitalsWriters()).toBe(0);
    expect(await idleInTransaction()).toBe(0);
    expect((await sql`select count(*)::int as n from vital_signs`)[0]?.n).toBe(0);
  }, 120_000);
});
