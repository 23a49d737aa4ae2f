import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminHeaders, createTestDatabase, graphqlRequest, startApp, testToken, type TestDatabase } from '@trialgraph/testing';
import { importVitalsFile, type ImportOptionsInput } from '@trialgraph/upload-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolStudy, startVitalsStack, type EnrolledStudy, type VitalsStack } from './support/vitals-stack.js';

async function* text(content: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(content, 'utf8');
}

const VITALS_OF_STUDY = `query($studyId: ID!) {
  subjects(studyId: $studyId) { edges { node { subjectNumber vitals(first: 50) { totalCount edges { node { recordedAt heartRate bloodPressure temperature spo2 sourceLine } } } } } }
}`;

describe('importing vitals on the embedded database (vitals on PGlite, no VITALS_DATABASE_URL)', () => {
  let subjectsDb: TestDatabase;
  let dataDir: string;
  let stack: VitalsStack;
  let study: EnrolledStudy;
  let token: string;

  beforeAll(async () => {
    subjectsDb = await createTestDatabase('tg_pglite_s');
    dataDir = mkdtempSync(join(tmpdir(), 'tg-vitals-pglite-'));
    stack = await startVitalsStack({ subjectsDatabaseUrl: subjectsDb.url, vitalsEnv: { DATA_DIR: dataDir } });
    study = await enrolStudy(stack.gateway.url, { code: 'PGL01', subjects: 2 });
    token = await testToken({ roles: ['ADMIN'] });
  });

  afterAll(async () => {
    await stack?.stop();
    await subjectsDb?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const importCsv = (content: string, importOptions: ImportOptionsInput = {}, gatewayUrl = stack.gateway.url) =>
    importVitalsFile({ url: gatewayUrl, studyId: study.studyId, file: text(content), fileName: 'ward-3.csv', importOptions, token });

  const storedVitals = async (gatewayUrl = stack.gateway.url) => {
    const response = await graphqlRequest(gatewayUrl, VITALS_OF_STUDY, { studyId: study.studyId }, await adminHeaders());
    expect(response.errors).toBeUndefined();
    return response.data?.subjects.edges.map((edge: any) => edge.node) as Array<{
      subjectNumber: string;
      vitals: { totalCount: number; edges: Array<{ node: any }> };
    }>;
  };
  const storedTotal = async (gatewayUrl?: string) => (await storedVitals(gatewayUrl)).reduce((sum, subject) => sum + subject.vitals.totalCount, 0);

  // A messy export: BOM, semicolons, CRLF, aliased headers, decimal commas, a quoted note with a
  // newline inside, blank lines, a row repeated within the file, and a bad row of each kind.
  const messyFile = () => {
    const [a, b] = study.subjectNumbers as [string, string];
    return [
      '\uFEFFPatient Id;Record Time;HR;BP;Temp;SpO2;Note',
      `${a};2025-11-03 08:00;72;120/80;36,8;97;`,
      `${a};2025-11-03 09:00;74;"118/79";37,0;98;"checked twice;`,
      `note continues"`,
      '',
      `${b};2025-11-03 08:00;n/a;120/80;36,8;97;`,
      `${b};2025-11-03 08:30;66;130/85;99,5;96;`,
      `${b};yesterday;70;120/80;36,8;97;`,
      `NOPE-S01-9999;2025-11-03 08:00;70;120/80;36,8;97;`,
      `${b};2025-11-03 09:00;61;90/110;36,8;97;`,
      `${a};2025-11-03 08:00;72;120/80;36,8;97;`,
      `${b};2025-11-03 10:00;59;;;94;`,
      ';;;;;;',
      '',
    ].join('\r\n');
  };

  it('stores the good rows, reports each bad line with its code, and the counts add up', async () => {
    const response = await importCsv(messyFile(), { timezone: 'Europe/Paris' });
    expect(response.errors).toBeUndefined();
    const report = response.data?.importVitals as Record<string, any>;
    expect(report).toMatchObject({ status: 'SUCCEEDED', fileName: 'ward-3.csv', rowsRead: 9, rowsAccepted: 4, rowsRejected: 4, rowsDuplicate: 1 });
    expect(report.errors.map((error: any) => [error.line, error.column, error.code])).toEqual([
      [6, 'heart_rate', 'INVALID_NUMBER'],
      [8, 'record_time', 'INVALID_TIME'],
      [9, 'patient_id', 'UNKNOWN_SUBJECT'],
      [10, 'blood_pressure', 'INVALID_BLOOD_PRESSURE'],
    ]);

    const [a, b] = await storedVitals();
    expect(a?.vitals.edges.map((edge) => edge.node)).toEqual([
      { recordedAt: '2025-11-03T08:00:00.000Z', heartRate: 74, bloodPressure: '118/79', temperature: 37, spo2: 98, sourceLine: 3 },
      { recordedAt: '2025-11-03T07:00:00.000Z', heartRate: 72, bloodPressure: '120/80', temperature: expect.closeTo(36.8, 4), spo2: 97, sourceLine: 2 },
    ]);
    expect(b?.vitals.edges.map((edge) => edge.node)).toEqual([
      { recordedAt: '2025-11-03T09:00:00.000Z', heartRate: 59, bloodPressure: null, temperature: null, spo2: 94, sourceLine: 12 },
      // 99.5 in a temperature column can only be °F: stored as 37.5 °C.
      { recordedAt: '2025-11-03T07:30:00.000Z', heartRate: 66, bloodPressure: '130/85', temperature: 37.5, spo2: 96, sourceLine: 7 },
    ]);
    expect(await storedTotal()).toBe(report.rowsAccepted);
  });

  it('stores nothing new when the same file comes again', async () => {
    const response = await importCsv(messyFile(), { timezone: 'Europe/Paris' });
    expect(response.data?.importVitals).toMatchObject({ status: 'SUCCEEDED', rowsRead: 9, rowsAccepted: 0, rowsRejected: 4, rowsDuplicate: 5 });
    expect(await storedTotal()).toBe(4);
  });

  it('stores nothing of a file with a bad row under onError ABORT, nor of a dry run', async () => {
    const [a] = study.subjectNumbers as [string];
    const file = `patient_id,record_time,heart_rate\n${a},2025-11-04T08:00:00Z,70\n${a},2025-11-04T09:00:00Z,7\n`;
    const aborted = await importCsv(file, { onError: 'ABORT' });
    expect(aborted.data?.importVitals).toMatchObject({ status: 'ABORTED', rowsAccepted: 0, rowsRejected: 2 });
    const dryRun = await importCsv(file, { dryRun: true });
    expect(dryRun.data?.importVitals).toMatchObject({ status: 'SUCCEEDED', dryRun: true, rowsAccepted: 1, rowsRejected: 1 });
    expect(await storedTotal()).toBe(4);
  });

  it('keeps the stored rows and the import reports across a restart of the vitals process', async () => {
    await stack.gateway.stop();
    await stack.vitals.stop();
    const vitals = await startApp('vitals', { SUBJECTS_URL: `${stack.subjects.url}graphql`, DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    const gateway = await startApp('gateway', { SUBJECTS_URL: `${stack.subjects.url}graphql`, VITALS_URL: `${vitals.url}graphql`, LOG_LEVEL: 'warn' });
    try {
      expect(await storedTotal(gateway.url)).toBe(4);
      const imports = await graphqlRequest(
        gateway.url,
        `query($s: ID!) { vitalsImports(studyId: $s) { edges { node { status rowsAccepted } } } }`,
        { s: study.studyId },
        await adminHeaders(),
      );
      expect(imports.data?.vitalsImports.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
        { status: 'SUCCEEDED', rowsAccepted: 1 },
        { status: 'ABORTED', rowsAccepted: 0 },
        { status: 'SUCCEEDED', rowsAccepted: 0 },
        { status: 'SUCCEEDED', rowsAccepted: 4 },
      ]);
    } finally {
      await gateway.stop();
      await vitals.stop();
    }
  });
});
