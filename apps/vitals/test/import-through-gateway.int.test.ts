import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  adminHeaders,
  createTestDatabase,
  errorCodes,
  graphqlRequest,
  startApp,
  testToken,
  waitFor,
  type AppProcess,
  type TestDatabase,
} from '@trialgraph/testing';
import { IMPORT_VITALS_MUTATION, importVitalsFile, multipartUploadBody, type ImportOptionsInput } from '@trialgraph/upload-client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

async function* text(content: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(content, 'utf8');
}

describe('importing vitals through the gateway (real processes, real PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let subjects: AppProcess;
  let vitals: AppProcess;
  let gateway: AppProcess;
  let studyId: string;
  let numbers: string[];
  let vitalsSql: postgres.Sql;
  let headers: { authorization: string };
  let token: string;

  const importCsv = (content: string, importOptions: ImportOptionsInput = {}, url = gateway.url) =>
    importVitalsFile({ url, studyId, file: text(content), fileName: 'site-export.csv', importOptions, token });

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_vsubj'), createTestDatabase('tg_vitals')]);
    subjects = await startApp('subjects', { SUBJECTS_DATABASE_URL: subjectsDb.url });
    vitals = await startApp('vitals', { VITALS_DATABASE_URL: vitalsDb.url, SUBJECTS_URL: `${subjects.url}graphql` });
    gateway = await startApp('gateway', { SUBJECTS_URL: `${subjects.url}graphql`, VITALS_URL: `${vitals.url}graphql` });
    vitalsSql = postgres(vitalsDb.url, { max: 2, onnotice: () => {} });
    headers = await adminHeaders();
    token = await testToken({ roles: ['ADMIN'] });
    const study = await graphqlRequest(
      gateway.url,
      `mutation { createStudy(input: { code: "VIT01", name: "Vitals", sites: [{ code: "S01", name: "North" }] }) { id sites { id } } }`,
      {},
      headers,
    );
    studyId = study.data?.createStudy.id;
    const siteId = study.data?.createStudy.sites[0].id;
    numbers = [];
    for (let index = 0; index < 3; index++) {
      const created = await graphqlRequest(
        gateway.url,
        `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { subjectNumber } }`,
        {
          input: { studyId, siteId, age: 50 + index, sex: 'FEMALE' },
        },
        headers,
      );
      numbers.push(created.data?.createSubject.subjectNumber);
    }
  });

  afterAll(async () => {
    await vitalsSql?.end();
    await Promise.all([gateway?.stop(), vitals?.stop(), subjects?.stop()]);
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  const storedCount = async () => Number((await vitalsSql`select count(*)::int as n from vital_signs`)[0]?.n);

  it('stores the good rows of a messy export, reports each bad line, and counts add up', async () => {
    const [a, b] = numbers as [string, string];
    const csv = [
      '\uFEFFPatient ID;Timestamp;HR;BP;Temp (°F);SpO2',
      `${a};2026-03-01 08:00;72;120/80;98.6;97`,
      `${a};2026-03-01 09:00;abc;120/80;98.6;97`,
      '',
      `${b};2026-03-01 08:00;400;120/80;98.6;97`,
      `NOPE-S01-9999;2026-03-01 08:00;70;120/80;98.6;97`,
      `${b};2026-03-01 10:00;65;"118/76";99.1;98`,
    ].join('\r\n');
    const response = await importCsv(csv, { timezone: 'Europe/Paris' });
    expect(response.errors).toBeUndefined();
    const report = response.data?.importVitals;
    expect(report).toMatchObject({ status: 'SUCCEEDED', fileName: 'site-export.csv', rowsRead: 5, rowsAccepted: 2, rowsRejected: 3, rowsDuplicate: 0 });
    expect(report?.errors.map((error: any) => [error.line, error.column, error.code])).toEqual([
      [3, 'heart_rate', 'INVALID_NUMBER'],
      [5, 'heart_rate', 'OUT_OF_RANGE'],
      [6, 'patient_id', 'UNKNOWN_SUBJECT'],
    ]);
    const rows = await vitalsSql`select heart_rate, systolic, diastolic, temperature, spo2, recorded_at from vital_signs order by recorded_at`;
    expect(rows.map((row) => [row.heart_rate, row.systolic, row.diastolic, row.temperature, row.spo2])).toEqual([
      [72, 120, 80, 37, 97],
      [65, 118, 76, 37.3, 98],
    ]);
    // 08:00 in Paris in March is 07:00 UTC.
    expect((rows[0]?.recorded_at as Date).toISOString()).toBe('2026-03-01T07:00:00.000Z');
  });

  it('stores nothing new when the same file comes again, counting duplicates, and refuses changed values as CONFLICT', async () => {
    const [a] = numbers as [string];
    const first = `patient_id,record_time,heart_rate\n${a},2026-04-01T08:00:00Z,70\n${a},2026-04-01T09:00:00Z,71\n`;
    expect((await importCsv(first)).data?.importVitals).toMatchObject({ rowsAccepted: 2, rowsDuplicate: 0 });
    const before = await storedCount();
    const again = await importCsv(first);
    expect(again.data?.importVitals).toMatchObject({ status: 'SUCCEEDED', rowsRead: 2, rowsAccepted: 0, rowsDuplicate: 2, rowsRejected: 0 });
    const changed = await importCsv(`patient_id,record_time,heart_rate\n${a},2026-04-01T08:00:00Z,99\n`);
    expect(changed.data?.importVitals).toMatchObject({ rowsAccepted: 0, rowsRejected: 1 });
    expect(changed.data?.importVitals.errors[0]).toMatchObject({ line: 2, code: 'CONFLICT' });
    expect(await storedCount()).toBe(before);
    const [kept] = await vitalsSql`select heart_rate from vital_signs where recorded_at = '2026-04-01T08:00:00Z'`;
    expect(kept?.heart_rate).toBe(70);
  });

  it('with onError ABORT stores nothing of a file with one bad row', async () => {
    const [a] = numbers as [string];
    const before = await storedCount();
    const response = await importCsv(`patient_id,record_time,heart_rate\n${a},2026-05-01T08:00:00Z,70\n${a},2026-05-01T09:00:00Z,7\n`, { onError: 'ABORT' });
    expect(response.data?.importVitals).toMatchObject({ status: 'ABORTED', rowsAccepted: 0 });
    expect(response.data?.importVitals.failureReason).toMatch(/^line 3: /);
    expect(await storedCount()).toBe(before);
  });

  it('with dryRun checks and reports everything and stores nothing', async () => {
    const [a] = numbers as [string];
    const before = await storedCount();
    const response = await importCsv(`patient_id,record_time,heart_rate\n${a},2026-06-01T08:00:00Z,70\n${a},2026-06-01T09:00:00Z,7\n`, { dryRun: true });
    expect(response.data?.importVitals).toMatchObject({ status: 'SUCCEEDED', dryRun: true, rowsAccepted: 1, rowsRejected: 1 });
    expect(await storedCount()).toBe(before);
  });

  it.each([
    ['a missing required column', 'patient_id,heart_rate\nX,70\n', /MISSING_COLUMN/],
    ['an empty file', '', /EMPTY_FILE/],
    ['binary content', '\u0000\u0001\u0002PK', /NOT_TEXT/],
  ])('fails the whole import on %s, naming the fault, and stores nothing', async (_label, content, reason) => {
    const before = await storedCount();
    const response = await importCsv(content);
    expect(response.data?.importVitals.status).toBe('FAILED');
    expect(response.data?.importVitals.failureReason).toMatch(reason);
    expect(await storedCount()).toBe(before);
  });

  it('refuses a multipart request that is not importVitals, and one without the preflight header', async () => {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: '{ studies { id } }', variables: {} }));
    form.set('map', '{}');
    const notImport = await fetch(gateway.url, { method: 'POST', body: form, headers: { 'apollo-require-preflight': 'true', ...headers } });
    expect(notImport.status).toBe(400);
    expect(await notImport.json()).toEqual({
      errors: [
        { message: 'file uploads are accepted only for a single importVitals mutation', extensions: { code: 'BAD_REQUEST', requestId: expect.any(String) } },
      ],
    });
    const noPreflight = await fetch(gateway.url, { method: 'POST', body: form, headers });
    expect(noPreflight.status).toBe(400);
  });

  it('refuses an unknown study and a bad timezone with their codes', async () => {
    const unknown = await importVitalsFile({
      url: gateway.url,
      studyId: '00000000-0000-4000-8000-000000000000',
      file: text('patient_id,record_time,heart_rate\n'),
      token,
    });
    expect(errorCodes(unknown as never)).toEqual(['NOT_FOUND']);
    const badZone = await importCsv('patient_id,record_time,heart_rate\n', { timezone: 'Mars/Olympus' });
    expect(errorCodes(badZone as never)).toEqual(['BAD_USER_INPUT']);
    expect(badZone.errors?.[0]?.message).toBe('timezone "Mars/Olympus" is not an IANA time zone such as UTC or Europe/Paris');
  });

  it('serves the stored vitals under each subject through the gateway, newest first', async () => {
    const response = await graphqlRequest(
      gateway.url,
      `query($studyId: ID!) { subjects(studyId: $studyId) { edges { node { subjectNumber
          vitals(first: 2) { totalCount edges { cursor node { recordedAt heartRate bloodPressure } } pageInfo { hasNextPage endCursor } }
          latestVitalSign { recordedAt heartRate } } } } }`,
      { studyId },
      headers,
    );
    expect(response.errors).toBeUndefined();
    const [a, b, c] = (response.data?.subjects.edges ?? []).map((edge: any) => edge.node);
    expect(a.vitals.totalCount).toBe(3);
    expect(a.vitals.edges.map((edge: any) => edge.node)).toEqual([
      { recordedAt: '2026-04-01T09:00:00.000Z', heartRate: 71, bloodPressure: null },
      { recordedAt: '2026-04-01T08:00:00.000Z', heartRate: 70, bloodPressure: null },
    ]);
    expect(a.vitals.pageInfo.hasNextPage).toBe(true);
    expect(a.latestVitalSign).toEqual({ recordedAt: '2026-04-01T09:00:00.000Z', heartRate: 71 });
    expect(b.vitals.edges.map((edge: any) => edge.node)).toEqual([{ recordedAt: '2026-03-01T09:00:00.000Z', heartRate: 65, bloodPressure: '118/76' }]);
    expect(c.vitals).toMatchObject({ totalCount: 0, edges: [] });
    expect(c.latestVitalSign).toBeNull();

    const next = await graphqlRequest(
      gateway.url,
      `query($id: ID!, $after: String) { subject(id: $id) { vitals(first: 2, after: $after) { edges { node { heartRate } } pageInfo { hasNextPage } } } }`,
      {
        id: (
          await graphqlRequest(
            gateway.url,
            `query($s: ID!, $n: String!) { subjectByNumber(studyId: $s, subjectNumber: $n) { id } }`,
            { s: studyId, n: numbers[0] },
            headers,
          )
        ).data?.subjectByNumber.id,
        after: a.vitals.pageInfo.endCursor,
      },
      headers,
    );
    expect(next.data?.subject.vitals).toEqual({ edges: [{ node: { heartRate: 72 } }], pageInfo: { hasNextPage: false } });
  });

  it('ends an upload cut off by the client as FAILED, saying so, with nothing stored', async () => {
    const before = await storedCount();
    const { contentType, body } = multipartUploadBody({
      query: IMPORT_VITALS_MUTATION,
      variables: { studyId, file: null, options: null },
      filePath: 'variables.file',
      fileName: 'cut-off.csv',
      file: (async function* () {
        yield Buffer.from(`patient_id,record_time,heart_rate\n${numbers[0]},2026-06-01T08:00:00Z,70\n`);
        // The client goes away mid-file.
        await new Promise((resolve) => setTimeout(resolve, 300));
        throw new Error('client gone');
      })(),
    });
    const request = httpRequest(gateway.url, {
      method: 'POST',
      headers: { 'content-type': contentType, 'apollo-require-preflight': 'true', authorization: `Bearer ${token}` },
    });
    request.on('error', () => {});
    await pipeline(Readable.from(body), request).catch(() => {});
    const [cutOff] = await waitFor('the cut-off import to end', async () => {
      const rows = await vitalsSql`select status, failure_reason from vitals_imports where file_name = 'cut-off.csv' and status <> 'RUNNING'`;
      return rows.length > 0 && rows;
    });
    expect(cutOff?.status).toBe('FAILED');
    expect(cutOff?.failure_reason).toMatch(/^UPLOAD_INCOMPLETE: the upload stopped after .*nothing was stored: send the file again/);
    expect(await storedCount()).toBe(before);
  });

  it('lists the imports of a study with their reports', async () => {
    const response = await graphqlRequest(
      gateway.url,
      `query($s: ID!) { vitalsImports(studyId: $s, first: 100) { edges { node { status rowsRead rowsAccepted rowsRejected rowsDuplicate } } } }`,
      { s: studyId },
      headers,
    );
    const imports = (
      response.data?.vitalsImports.edges as Array<{
        node: { status: string; rowsRead: number; rowsAccepted: number; rowsRejected: number; rowsDuplicate: number };
      }>
    ).map((edge) => edge.node);
    expect(imports.length).toBeGreaterThanOrEqual(8);
    for (const report of imports) {
      if (report.status === 'SUCCEEDED') expect(report.rowsRead).toBe(report.rowsAccepted + report.rowsRejected + report.rowsDuplicate);
    }
  });
});
