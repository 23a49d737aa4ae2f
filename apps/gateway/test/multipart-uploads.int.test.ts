import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import {
  adminHeaders,
  authHeaders,
  createTestDatabase,
  graphqlRequest,
  startApp,
  testToken,
  waitFor,
  type AppProcess,
  type TestDatabase,
} from '@trialgraph/testing';
import { IMPORT_VITALS_MUTATION } from '@trialgraph/upload-client';
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

/**
 * Sends a request of a declared length over a plain socket, writing every byte whatever the
 * server answers meanwhile, and reads what comes back: a server that answers early and then
 * stops reading, or closes under the body, leaves such a client with EPIPE or ECONNRESET.
 */
async function sendWholeBody(url: string, headers: Record<string, string>, chunks: Buffer[]): Promise<{ text: string; error?: string }> {
  const { hostname, port, pathname } = new URL(url);
  const length = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const socket = connect({ host: hostname, port: Number(port) });
  let text = '';
  let error: string | undefined;
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', (failure: NodeJS.ErrnoException) => (error ??= `${failure.code ?? ''} ${failure.message}`));
  const head = Object.entries({ ...headers, host: `${hostname}:${port}`, 'content-length': String(length) })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  try {
    socket.write(`POST ${pathname} HTTP/1.1\r\n${head}\r\n`);
    for (const chunk of chunks) {
      if (!socket.write(chunk)) await Promise.race([once(socket, 'drain'), closed]);
      if (socket.destroyed) break;
    }
    // Everything sent: the answer must be complete, then the client closes.
    await waitFor('the whole answer', async () => error !== undefined || socket.destroyed || responseBody(text) !== undefined, 30_000);
  } finally {
    socket.end();
  }
  await closed;
  return { text: responseBody(text) ?? text, ...(error ? { error } : {}) };
}

/** The body of a complete HTTP/1.1 answer (by content-length or chunked), or undefined while it is incomplete. */
function responseBody(raw: string): string | undefined {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const head = raw.slice(0, headEnd).toLowerCase();
  let rest = raw.slice(headEnd + 4);
  const length = /content-length: (\d+)/.exec(head)?.[1];
  if (length !== undefined) return rest.length >= Number(length) ? rest.slice(0, Number(length)) : undefined;
  let body = '';
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (size === 0) return body;
    if (rest.length < lineEnd + 2 + size + 2) return undefined;
    body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

/** A CSV of `bytes` bytes or more, in 256 KiB chunks. */
function largeCsvChunks(subjectNumber: string, bytes: number): Buffer[] {
  const line = `${subjectNumber},2026-01-01T00:00:00Z,70\n`;
  const block = Buffer.from(line.repeat(Math.ceil((256 * 1024) / line.length)));
  return [Buffer.from('patient_id,record_time,heart_rate\n'), ...Array.from({ length: Math.ceil(bytes / block.length) }, () => block)];
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
  const otherQuery = () => JSON.stringify({ query: `query { vitalsImports(studyId: "${studyId}") { totalCount } }` });
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
      () => [
        { field: 'operations', value: otherQuery() },
        { field: 'map', value: map },
        { field: 'operations', value: importOperations() },
        { file: '0', content: csv() },
      ],
      /more than the "operations" and "map" fields/,
    ],
    [
      'two operations fields before the map',
      () => [
        { field: 'operations', value: otherQuery() },
        { field: 'operations', value: importOperations() },
        { field: 'map', value: map },
        { file: '0', content: csv() },
      ],
      /second "operations" field/,
    ],
    [
      'the map before the operations',
      () => [
        { field: 'map', value: map },
        { field: 'operations', value: importOperations() },
        { file: '0', content: csv() },
      ],
      /"map" field comes before "operations"/,
    ],
    [
      'the file before the map',
      () => [
        { field: 'operations', value: importOperations() },
        { file: '0', content: csv() },
        { field: 'map', value: map },
      ],
      /comes before "operations" and "map"/,
    ],
    [
      'a map naming a file the request does not carry',
      () => [
        { field: 'operations', value: importOperations() },
        { field: 'map', value: map },
      ],
      /no such part/,
    ],
    [
      'a file the map does not name',
      () => [
        { field: 'operations', value: importOperations() },
        { field: 'map', value: map },
        { file: '1', content: csv() },
      ],
      /file part "1" is not named in "map"/,
    ],
    [
      'an extra file after a 30,000-row file the map names, found only as the body ends',
      () => [
        { field: 'operations', value: importOperations() },
        { field: 'map', value: map },
        { file: '0', content: largeUniqueCsv(30_000) },
        { file: '1', content: csv() },
      ],
      /more than 1 file/,
    ],
    [
      'an extra file after the one the map names',
      () => [
        { field: 'operations', value: importOperations() },
        { field: 'map', value: map },
        { file: '0', content: csv() },
        { file: '1', content: csv() },
      ],
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
        multipartBody([
          { field: 'operations', value: importOperations() },
          { field: 'map', value: map },
          { file: '0', content: csv() },
        ]),
        admin.authorization,
      );
      expect(response.status, response.text).toBe(200);
      expect(response.json.data).toMatchObject({ importVitals: { status: 'SUCCEEDED', rowsRead: 1 } });
    });

    it.each([
      ['a study that does not exist', () => ({ studyId: randomUUID() }), 'NOT_FOUND'],
      ['bad options', () => ({ options: { maxErrors: -1 } }), 'BAD_USER_INPUT'],
      ['an invalid token', () => ({ token: 'not-a-token' }), 'UNAUTHENTICATED'],
    ] as const)('answers an upload refused before its file is read (%s) with JSON, not a reset connection, under 40 MB', async (_label, override, code) => {
      const partner = await testToken({ subject: 'partner-large', roles: ['PARTNER'], studies: [studyId] });
      const given = { studyId, options: null, token: partner, ...override() };
      const operations = JSON.stringify({ query: IMPORT_VITALS_MUTATION, variables: { studyId: given.studyId, file: null, options: given.options } });
      const chunks = [
        Buffer.from(
          multipartBody([
            { field: 'operations', value: operations },
            { field: 'map', value: map },
          ]).replace(`--${BOUNDARY}--\r\n`, ''),
        ),
        Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="0"; filename="large.csv"\r\nContent-Type: text/csv\r\n\r\n`),
        ...largeCsvChunks(subjectNumber, 40 * 1024 * 1024),
        Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
      ];
      const answer = await sendWholeBody(
        targets()[target],
        {
          'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
          'apollo-require-preflight': 'true',
          authorization: `Bearer ${given.token}`,
        },
        chunks,
      );
      expect(answer.error, answer.error).toBeUndefined();
      expect(JSON.parse(answer.text).errors?.[0]?.extensions?.code, answer.text).toBe(code);
    });
  });

  it('refuses an operation other than importVitals carried by an upload at the gateway', async () => {
    const monitor = await authHeaders({ subject: 'monitor-mp', roles: ['MONITOR'], studies: [studyId] });
    const response = await postMultipart(
      gateway.url,
      multipartBody([
        { field: 'operations', value: otherQuery() },
        { field: 'map', value: map },
        { file: '0', content: csv() },
      ]),
      monitor.authorization,
    );
    expect(response.status).toBe(400);
    expect(response.json.errors?.[0]?.message).toContain('importVitals');
  });
});
