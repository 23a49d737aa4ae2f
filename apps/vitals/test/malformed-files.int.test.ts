import { adminHeaders, graphqlRequest } from '@trialgraph/testing';
import { importVitalsFile, type ImportOptionsInput } from '@trialgraph/upload-client';
import { describe, expect, it } from 'vitest';
import { useEnrolledVitalsStack } from './support/vitals-stack.js';

async function* bytesOf(content: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(content, 'utf8');
}

interface Report {
  status: string;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsDuplicate: number;
  failureReason: string | null;
  errors: Array<{ line: number; column: string | null; value: string | null; code: string; message: string }>;
}

/**
 * The malformed hospital exports of issue 12, uploaded as a partner would (multipart through
 * the gateway to vitals, on PostgreSQL): what the report says, and what is stored.
 */
describe('malformed vitals files through the gateway', () => {
  const given = useEnrolledVitalsStack({ name: 'tg_malf', study: { code: 'MAL01', subjects: 3 }, vitalsSqlConnections: 2 });

  const upload = async (content: string, importOptions: ImportOptionsInput = {}, fileSize?: number): Promise<Report & { id: string }> => {
    const response = await importVitalsFile({
      url: given.stack.gateway.url,
      studyId: given.study.studyId,
      file: bytesOf(content),
      fileName: 'export.csv',
      importOptions,
      token: given.token,
      ...(fileSize === undefined ? {} : { fileSize }),
    });
    expect(response.errors).toBeUndefined();
    const report = response.data?.importVitals as Report & { id: string };
    // Whatever the file, every row read is accounted for.
    expect(report.rowsRead).toBe(report.rowsAccepted + report.rowsRejected + report.rowsDuplicate);
    return report;
  };
  const stored = async (from: string, to: string) =>
    (
      await given.vitalsSql`select recorded_at, heart_rate, source_line from vital_signs
        where recorded_at >= ${from} and recorded_at < ${to} order by recorded_at`
    ).map((row) => [(row.recorded_at as Date).toISOString(), row.heart_rate, row.source_line]);
  const storedCount = async () => Number((await given.vitalsSql`select count(*)::int as n from vital_signs`)[0]?.n);
  const failureCodeOf = async (importId: string) => {
    const response = await graphqlRequest<{ vitalsImport: { failureCode: string | null } }>(
      given.stack.gateway.url,
      'query ($id: ID!) { vitalsImport(id: $id) { failureCode } }',
      { id: importId },
      given.headers,
    );
    expect(response.errors).toBeUndefined();
    return response.data?.vitalsImport.failureCode;
  };
  const codesAndLines = (report: Report) => report.errors.map((error) => [error.line, error.column, error.code]);

  it('fails a file with an unclosed quote near its end as UNCLOSED_QUOTE at the line it opened, storing none of its rows', async () => {
    const [a, b, c] = given.study.subjectNumbers as [string, string, string];
    const before = await storedCount();
    const report = await upload(
      `patient_id,record_time,heart_rate,note\n${a},2025-01-10T08:00:00Z,72,"oops\n${b},2025-01-10T08:00:00Z,73,\n${c},2025-01-10T08:00:00Z,74,\n`,
    );
    expect(report).toMatchObject({ status: 'FAILED', rowsAccepted: 0, rowsDuplicate: 0 });
    expect(report.failureReason).toMatch(/^UNCLOSED_QUOTE: the quote opened on line 2 is not closed by the end of the file/);
    expect(await storedCount()).toBe(before);
    expect(await failureCodeOf(report.id)).toBe('UNCLOSED_QUOTE');
  });

  it('fails a file shorter or longer than the fileSize its client declared as FILE_SIZE_MISMATCH, storing none of its rows', async () => {
    const [a] = given.study.subjectNumbers as [string];
    const content = `patient_id,record_time,heart_rate\n${a},2024-12-24T08:00:00Z,72\n`;
    const before = await storedCount();
    for (const fileSize of [content.length + 1, content.length - 1]) {
      const report = await upload(content, {}, fileSize);
      expect(report).toMatchObject({ status: 'FAILED', rowsAccepted: 0, rowsDuplicate: 0 });
      expect(report.failureReason).toMatch(new RegExp(`^FILE_SIZE_MISMATCH: the upload carried (only|at least) \\d+ bytes but fileSize declared ${fileSize}`));
      expect(await failureCodeOf(report.id)).toBe('FILE_SIZE_MISMATCH');
    }
    expect(await storedCount()).toBe(before);
    expect(await upload(content, {}, content.length)).toMatchObject({ status: 'SUCCEEDED', rowsAccepted: 1 });
  });

  it('reads the delimiter off the header when the file starts with a blank line', async () => {
    const [a, b] = given.study.subjectNumbers as [string, string];
    const report = await upload(`\r\nPatient Id;Record Time;HR\r\n${a};2025-01-11 08:00;72\r\n${b};2025-01-11 08:00;n/a\r\n`);
    expect(report).toMatchObject({ status: 'SUCCEEDED', rowsRead: 2, rowsAccepted: 1, rowsRejected: 1 });
    expect(codesAndLines(report)).toEqual([[4, 'heart_rate', 'INVALID_NUMBER']]);
    expect(await failureCodeOf(report.id)).toBeNull();
    expect(await stored('2025-01-11', '2025-01-12')).toEqual([['2025-01-11T08:00:00.000Z', 72, 3]]);
  });

  it('stores compact dates as the dates they are and refuses all-digit times of no known length as INVALID_TIME', async () => {
    const [a, b, c] = given.study.subjectNumbers as [string, string, string];
    const report = await upload(`patient_id,record_time,heart_rate\n${a},20250301,70\n${b},202503010800,71\n${c},20250301081530,72\n${a},1740816,73\n`, {
      timezone: 'Europe/Paris',
    });
    expect(report).toMatchObject({ status: 'SUCCEEDED', rowsRead: 4, rowsAccepted: 3, rowsRejected: 1 });
    expect(codesAndLines(report)).toEqual([[5, 'record_time', 'INVALID_TIME']]);
    // Wall-clock times in Paris, an hour ahead of UTC in March.
    expect(await stored('2025-02-28', '2025-03-02')).toEqual([
      ['2025-02-28T23:00:00.000Z', 70, 2],
      ['2025-03-01T07:00:00.000Z', 71, 3],
      ['2025-03-01T07:15:30.000Z', 72, 4],
    ]);
  });

  it('refuses times before 1900 and later than now as IMPLAUSIBLE_TIME, naming the bound, and stores the plausible row', async () => {
    const [a, b, c] = given.study.subjectNumbers as [string, string, string];
    const report = await upload(
      `patient_id,record_time,heart_rate\n${a},0001-01-01T00:00:00Z,70\n${b},2099-01-01T00:00:00Z,71\n${c},1900-01-01T00:00:00Z,72\n`,
    );
    expect(report).toMatchObject({ status: 'SUCCEEDED', rowsRead: 3, rowsAccepted: 1, rowsRejected: 2 });
    expect(codesAndLines(report)).toEqual([
      [2, 'record_time', 'IMPLAUSIBLE_TIME'],
      [3, 'record_time', 'IMPLAUSIBLE_TIME'],
    ]);
    expect(report.errors[0]?.message).toBe('record_time 0001-01-01T00:00:00.000Z is before 1900-01-01T00:00:00.000Z, the earliest time a reading may have');
    expect(report.errors[1]?.message).toMatch(/^record_time 2099-01-01T00:00:00\.000Z is later than now \(.+Z\) plus 5 minutes allowed for clock drift$/);
    expect(await stored('1899-01-01', '1901-01-01')).toEqual([['1900-01-01T00:00:00.000Z', 72, 4]]);
  });

  it('refuses a row with fewer fields than the header as MISSING_FIELDS, and takes trailing delimiters and blank lines', async () => {
    const [a, b, c] = given.study.subjectNumbers as [string, string, string];
    const report = await upload(
      `patient_id;record_time;heart_rate;spo2;\n${a};2025-01-12 08:00;72\n\n;;;\n${b};2025-01-12 08:00;73;97;\n${c};2025-01-12 08:00;74;98\n`,
    );
    expect(report).toMatchObject({ status: 'SUCCEEDED', rowsRead: 3, rowsAccepted: 2, rowsRejected: 1 });
    expect(report.errors).toEqual([
      { line: 2, column: null, value: null, code: 'MISSING_FIELDS', message: 'the row has 3 fields but the header names 4: is the line cut short?' },
    ]);
    expect(await stored('2025-01-12', '2025-01-13')).toEqual([
      ['2025-01-12T08:00:00.000Z', 73, 5],
      ['2025-01-12T08:00:00.000Z', 74, 6],
    ]);
  });

  it('reads a file with CR-only line endings as it reads CRLF, with the lines of the file', async () => {
    const [a, b, c] = given.study.subjectNumbers as [string, string, string];
    const report = await upload(
      `patient_id,record_time,heart_rate\r${a},2025-01-13T08:00:00Z,72\r${b},2025-01-13T08:00:00Z,400\r${c},2025-01-13T08:00:00Z,74\r`,
    );
    expect(report).toMatchObject({ status: 'SUCCEEDED', rowsRead: 3, rowsAccepted: 2, rowsRejected: 1 });
    expect(codesAndLines(report)).toEqual([[3, 'heart_rate', 'OUT_OF_RANGE']]);
    expect(await stored('2025-01-13', '2025-01-14')).toEqual([
      ['2025-01-13T08:00:00.000Z', 72, 2],
      ['2025-01-13T08:00:00.000Z', 74, 4],
    ]);
  });

  it('refuses text after a closing quote as INVALID_QUOTE on that row only', async () => {
    const [a, b] = given.study.subjectNumbers as [string, string];
    const report = await upload(`patient_id,record_time,blood_pressure\n${a},2025-01-14T08:00:00Z,"120"/80\n${b},2025-01-14T08:00:00Z,"121/81"\n`);
    expect(report).toMatchObject({ status: 'SUCCEEDED', rowsRead: 2, rowsAccepted: 1, rowsRejected: 1 });
    expect(report.errors).toEqual([expect.objectContaining({ line: 2, column: 'blood_pressure', value: '120/80', code: 'INVALID_QUOTE' })]);
  });

  it('still reads a report stored with the retired FUTURE_TIME code, which the contract keeps as deprecated', async () => {
    const [a] = given.study.subjectNumbers as [string];
    const report = await upload(`patient_id,record_time,heart_rate\n${a},2099-01-01T00:00:00Z,70\n`, { dryRun: true });
    expect(codesAndLines(report)).toEqual([[2, 'record_time', 'IMPLAUSIBLE_TIME']]);
    // As an import made before IMPLAUSIBLE_TIME replaced it stored the same row.
    await given.vitalsSql`update vitals_import_errors set code = 'FUTURE_TIME' where import_id = ${report.id}`;
    const read = await graphqlRequest(
      given.stack.gateway.url,
      `query($id: ID!) { vitalsImport(id: $id) { rowsRejected errors { edges { node { line code } } } } }`,
      { id: report.id },
      await adminHeaders(),
    );
    expect(read.errors).toBeUndefined();
    expect(read.data?.vitalsImport).toEqual({ rowsRejected: 1, errors: { edges: [{ node: { line: 2, code: 'FUTURE_TIME' } }] } });
  });
});
