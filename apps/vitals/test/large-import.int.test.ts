import { generateVitalsCsv } from '@trialgraph/csv/fixtures';
import { createTestDatabase, testToken, type TestDatabase } from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countByCode, enrolStudy, startVitalsStack, type EnrolledStudy, type VitalsStack } from './support/vitals-stack.js';

const ROWS = 300_000;

describe('a hospital export of 300,000 rows through the gateway (real processes, real PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let stack: VitalsStack;
  let study: EnrolledStudy;
  let vitalsSql: postgres.Sql;
  let token: string;
  let file: ReturnType<typeof generateVitalsCsv>;

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_large_s'), createTestDatabase('tg_large_v')]);
    stack = await startVitalsStack({ subjectsDatabaseUrl: subjectsDb.url, vitalsEnv: { VITALS_DATABASE_URL: vitalsDb.url } });
    study = await enrolStudy(stack.gateway.url, { code: 'BIG01', subjects: 25 });
    vitalsSql = postgres(vitalsDb.url, { max: 1, onnotice: () => {} });
    token = await testToken({ roles: ['ADMIN'] });
    // A spreadsheet export: BOM, semicolons, CRLF, decimal commas, wall-clock times in Europe/Berlin.
    file = generateVitalsCsv({ rows: ROWS, subjects: study.subjectNumbers, dialect: 'excel-eu', badRowFraction: 0.001, seed: 42 });
  });

  afterAll(async () => {
    await vitalsSql?.end();
    await stack?.stop();
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  const upload = () =>
    importVitalsFile({
      url: stack.gateway.url,
      studyId: study.studyId,
      file: file.stream(5_000),
      fileName: 'big-export.csv',
      importOptions: { timezone: file.timezone },
      token,
    });
  const storedCount = async () => Number((await vitalsSql`select count(*)::int as n from vital_signs`)[0]?.n);

  it('stores every valid row once, refuses exactly the planted bad rows by code, and the counts add up', async () => {
    expect(file.expected).toMatchObject({ rows: ROWS, bad: 300 });
    const response = await upload();
    expect(response.errors).toBeUndefined();
    const report = response.data?.importVitals;
    expect(report).toMatchObject({
      status: 'SUCCEEDED',
      fileName: 'big-export.csv',
      rowsRead: ROWS,
      rowsAccepted: file.expected.valid,
      rowsRejected: file.expected.bad,
      rowsDuplicate: 0,
      failureReason: null,
    });
    expect(countByCode(report!.errors)).toEqual(file.expected.badByCode);
    expect(report?.bytesRead).toBeGreaterThan(15_000_000);
    expect(await storedCount()).toBe(file.expected.valid);

    // Berlin wall-clock times came back to the UTC instants the generator started from:
    // one reading per subject every 10 s from 2025-01-01T00:00Z, 12,000 rounds.
    const [span] = await vitalsSql`select min(recorded_at) as first, max(recorded_at) as last from vital_signs`;
    expect([span?.first.toISOString(), span?.last.toISOString()]).toEqual(['2025-01-01T00:00:00.000Z', '2025-01-02T09:19:50.000Z']);

    // Each subject got its share, from this import, with a line number pointing back into the file.
    const perSubject = await vitalsSql<
      { n: number; imports: number; first_line: number }[]
    >`select count(*)::int as n, count(distinct import_id)::int as imports, min(source_line)::int as first_line
                                       from vital_signs group by subject_id`;
    expect(perSubject).toHaveLength(study.subjectIds.length);
    expect(perSubject.reduce((sum, row) => sum + row.n, 0)).toBe(file.expected.valid);
    expect(perSubject.every((row) => row.imports === 1 && row.first_line >= 2)).toBe(true);
  }, 120_000);

  it('stores nothing new when the same export comes again and counts every valid row as a duplicate', async () => {
    const before = await storedCount();
    const response = await upload();
    expect(response.errors).toBeUndefined();
    expect(response.data?.importVitals).toMatchObject({
      status: 'SUCCEEDED',
      rowsRead: ROWS,
      rowsAccepted: 0,
      rowsRejected: file.expected.bad,
      rowsDuplicate: file.expected.valid,
    });
    expect(await storedCount()).toBe(before);
  }, 120_000);
});
