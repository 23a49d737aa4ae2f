import { randomUUID } from 'node:crypto';
import {
  adminHeaders,
  authHeaders,
  createTestDatabase,
  graphqlRequest,
  startApp,
  testToken,
  type AppProcess,
  type TestDatabase,
} from '@trialgraph/testing';
import { IMPORT_VITALS_MUTATION, importVitalsFile } from '@trialgraph/upload-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BOUNDARY = 'trialgraph-multipart-test';

type Part = { field: string; value: string } | { file: string; content: string };

/** A multipart body written by hand, in exactly the order given: what a hostile client can send. */
function multipartBody(parts: Part[]): string {
  const encoded = parts.map((part) =>
    'field' in part
      ? `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.field}"\r\n\r\n${part.value}\r\n`
      : `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.file}"; filename="vitals.csv"\r\nContent-Type: text/csv\r\n\r\n${part.content}\r\n`,
  );
  return `${encoded.join('')}--${BOUNDARY}--\r\n`;
}

async function postMultipart(url: string, body: string, authorization: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'apollo-require-preflight': 'true', authorization },
    body,
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
}

/** A CSV of `bytes` bytes or more, produced as it is sent. */
async function* largeCsv(subjectNumber: string, bytes: number): AsyncGenerator<Uint8Array> {
  yield Buffer.from('patient_id,record_time,heart_rate\n');
  const line = `${subjectNumber},2026-01-01T00:00:00Z,70\n`;
  const block = Buffer.from(line.repeat(Math.ceil((256 * 1024) / line.length)));
  for (let sent = 0; sent < bytes; sent += block.length) yield block;
}

describe('multipart uploads are parsed once, strictly, at the gateway and at vitals alike (real processes, real PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let subjects: AppProcess;
  let vitals: AppProcess;
  let gateway: AppProcess;
  let studyId: string;
  let subjectNumber: string;
  let admin: { authorization: string };
  const targets = () => ({ gateway: gateway.url, vitals: `${vitals.url}graphql` });

  beforeAll(async () => {
    admin = await adminHeaders();
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_multipart_s'), createTestDatabase('tg_multipart_v')]);
    subjects = await startApp('subjects', { SUBJECTS_DATABASE_URL: subjectsDb.url, LOG_LEVEL: 'warn' });
    vitals = await startApp('vitals', { VITALS_DATABASE_URL: vitalsDb.url, SUBJECTS_URL: `${subjects.url}graphql`, LOG_LEVEL: 'warn' });
    gateway = await startApp('gateway', { SUBJECTS_URL: `${subjects.url}graphql`, VITALS_URL: `${vitals.url}graphql`, LOG_LEVEL: 'warn' });
    const study = await graphqlRequest(
      gateway.url,
      `mutation { createStudy(input: { code: "MPT", name: "Multipart", sites: [{ code: "S01", name: "North" }] }) { id sites { id } } }`,
      {},
      admin,
    );
    studyId = study.data?.createStudy.id;
    const subject = await graphqlRequest(
      gateway.url,
      `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { subjectNumber } }`,
      { input: { studyId, siteId: study.data?.createStudy.sites[0].id, age: 44, sex: 'MALE' } },
      admin,
    );
    subjectNumber = subject.data?.createSubject.subjectNumber;
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), vitals?.stop(), subjects?.stop()]);
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  const importOperations = () => JSON.stringify({ query: IMPORT_VITALS_MUTATION, variables: { studyId, file: null, options: null } });
  const otherQuery = () => JSON.stringify({ query: `query { vitalsImports(studyId: "${studyId}") { id } }` });
  const map = JSON.stringify({ 0: ['variables.file'] });
  const largeUniqueCsv = (rows: number) => {
    const lines = Array.from({ length: rows }, () => `${subjectNumber},${new Date(Date.UTC(2026, 1, 1, 8, minute++)).toISOString()},72`);
    return `patient_id,record_time,heart_rate\n${lines.join('\n')}\n`;
  };
  // A reading never sent before, so a wrongly accepted upload shows as one more stored reading.
  let minute = 0;
  const csv = () => `patient_id,record_time,heart_rate\n${subjectNumber},${new Date(Date.UTC(2026, 1, 1, 8, minute++)).toISOString()},72\n`;
  /** Readings stored for the subject: what a refused upload must not change. */
  const storedReadings = async () =>
    (
      await graphqlRequest(
        gateway.url,
        `query($id: ID!, $number: String!) { subjectByNumber(studyId: $id, subjectNumber: $number) { vitals { totalCount } } }`,
        { id: studyId, number: subjectNumber },
        admin,
      )
    ).data?.subjectByNumber.vitals.totalCount as number;

  const malformed: Array<[string, () => Part[], RegExp]> = [
    [
      'a second operations field after the map (an arbitrary query smuggled in front of importVitals)',
      () => [{ field: 'operations', value: otherQuery() }, { field: 'map', value: map }, { field: 'operations', value: importOperations() }, { file: '0', content: csv() }],
      /more than the "operations" and "map" fields/,
    ],
    [
      'two operations fields before the map',
      () => [{ field: 'operations', value: otherQuery() }, { field: 'operations', value: importOperations() }, { field: 'map', value: map }, { file: '0', content: csv() }],
      /second "operations" field/,
    ],
    [
      'the map before the operations',
      () => [{ field: 'map', value: map }, { field: 'operations', value: importOperations() }, { file: '0', content: csv() }],
      /"map" field comes before "operations"/,
    ],
    [
      'the file before the map',
      () => [{ field: 'operations', value: importOperations() }, { file: '0', content: csv() }, { field: 'map', value: map }],
      /comes before "operations" and "map"/,
    ],
    ['a map naming a file the request does not carry', () => [{ field: 'operations', value: importOperations() }, { field: 'map', value: map }], /no such part/],
    [
      'a file the map does not name',
      () => [{ field: 'operations', value: importOperations() }, { field: 'map', value: map }, { file: '1', content: csv() }],
      /file part "1" is not named in "map"/,
    ],
    [
      'an extra file after a 30,000-row file the map names, found only as the body ends',
      () => [{ field: 'operations', value: importOperations() }, { field: 'map', value: map }, { file: '0', content: largeUniqueCsv(30_000) }, { file: '1', content: csv() }],
      /more than 1 file/,
    ],
    [
      'an extra file after the one the map names',
      () => [{ field: 'operations', value: importOperations() }, { field: 'map', value: map }, { file: '0', content: csv() }, { file: '1', content: csv() }],
      /more than 1 file/,
    ],
  ];

  describe.each(['gateway', 'vitals'] as const)('at %s', (target) => {
    it.each(malformed)('refuses %s with 400 and stores nothing', async (_label, parts, message) => {
      const before = await storedReadings();
      const response = await postMultipart(targets()[target], multipartBody(parts()), admin.authorization);
      expect(response.status, response.text).toBe(400);
      expect(response.json.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      expect(response.json.errors?.[0]?.message).toMatch(message);
      expect(response.json.data ?? null).toBeNull();
      expect(await storedReadings()).toBe(before);
    });

    it('still takes a well-formed upload', async () => {
      const response = await postMultipart(
        targets()[target],
        multipartBody([{ field: 'operations', value: importOperations() }, { field: 'map', value: map }, { file: '0', content: csv() }]),
        admin.authorization,
      );
      expect(response.status, response.text).toBe(200);
      expect(response.json.data).toMatchObject({ importVitals: { status: 'SUCCEEDED', rowsRead: 1 } });
    });

    it.each([
      ['a study that does not exist', () => ({ studyId: randomUUID() }), 'NOT_FOUND'],
      ['bad options', () => ({ importOptions: { maxErrors: -1 } }), 'BAD_USER_INPUT'],
      ['an invalid token', () => ({ token: 'not-a-token' }), 'UNAUTHENTICATED'],
    ] as const)('answers an upload refused before its file is read (%s) with JSON, not a reset connection, under 40 MB', async (_label, override, code) => {
      const partner = await testToken({ subject: 'partner-large', roles: ['PARTNER'], studies: [studyId] });
      const result = await importVitalsFile({ url: targets()[target], studyId, file: largeCsv(subjectNumber, 40 * 1024 * 1024), token: partner, ...override() });
      expect(result.errors?.[0]?.extensions?.code).toBe(code);
    });
  });

  it('refuses an operation other than importVitals carried by an upload at the gateway', async () => {
    const monitor = await authHeaders({ subject: 'monitor-mp', roles: ['MONITOR'], studies: [studyId] });
    const response = await postMultipart(
      gateway.url,
      multipartBody([{ field: 'operations', value: otherQuery() }, { field: 'map', value: map }, { file: '0', content: csv() }]),
      monitor.authorization,
    );
    expect(response.status).toBe(400);
    expect(response.json.errors?.[0]?.message).toContain('importVitals');
  });
});
