import { randomUUID } from 'node:crypto';
import { HTTP_STATUS_OF_CODE, isErrorCode, statusAgreesWithCode } from '@trialgraph/graphql-kit';
import {
  adminHeaders,
  authHeaders,
  createTestDatabase,
  freePort,
  graphqlUrl,
  startApp,
  startAppStack,
  type AppProcess,
  type AppStack,
  type TestDatabase,
} from '@trialgraph/testing';
import { IMPORT_VITALS_MUTATION } from '@trialgraph/upload-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BOUNDARY = 'trialgraph-error-table';

interface Answer {
  status: number;
  requestId: string | null;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

/** A multipart body of the parts given, in that order (files as `vitals.csv`). */
function multipart(parts: Array<[name: string, value: string, file?: boolean]>): string {
  const encoded = parts.map(([name, value, file]) =>
    file
      ? `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="vitals.csv"\r\nContent-Type: text/csv\r\n\r\n${value}\r\n`
      : `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return `${encoded.join('')}--${BOUNDARY}--\r\n`;
}

const CSV = 'patient_id,record_time,heart_rate\nNOBODY-S01-0001,2025-03-01 08:00,70\n';

/**
 * Every error a client can meet, at each process, leaves with a code of the one table
 * (HTTP_STATUS_OF_CODE), the request's id, and, when that error decides the answer (nothing
 * else in it), the status the table gives its code. A new refusal that spells its own status or
 * code, or forgets the request id, fails here.
 */
describe('the one table of error codes, as clients meet it', () => {
  let subjectsDatabase: TestDatabase;
  let vitalsDatabase: TestDatabase;
  let stack: AppStack;
  /** A gateway whose vitals service is gone: an upload cannot be handed on. */
  let orphanGateway: AppProcess;
  let admin: { authorization: string };
  let studyId: string;

  beforeAll(async () => {
    admin = await adminHeaders();
    [subjectsDatabase, vitalsDatabase] = await Promise.all([createTestDatabase('tg_codes_s'), createTestDatabase('tg_codes_v')]);
    stack = await startAppStack({
      env: { LOG_LEVEL: 'warn' },
      subjects: { SUBJECTS_DATABASE_URL: subjectsDatabase.url },
      vitals: { VITALS_DATABASE_URL: vitalsDatabase.url },
      gateway: { RATE_LIMIT_READS_MONITOR: '2' },
    });
    orphanGateway = await startApp('gateway', {
      LOG_LEVEL: 'fatal',
      SUBJECTS_URL: graphqlUrl(stack.subjects),
      VITALS_URL: `http://127.0.0.1:${await freePort()}/graphql`,
    });
    const created = await send(stack.gateway.url, {
      json: {
        query: `mutation { createStudy(input: { code: "CODES", name: "Error codes", sites: [{ code: "S01", name: "Site one" }] }) { id } }`,
      },
      headers: admin,
    });
    studyId = (created.body.data as { createStudy: { id: string } }).createStudy.id;
  });

  afterAll(async () => {
    await orphanGateway?.stop();
    await stack?.stop();
    await Promise.all([subjectsDatabase?.drop(), vitalsDatabase?.drop()]);
  });

  async function send(
    url: string,
    request: { json?: unknown; raw?: string; multipart?: string; headers?: Record<string, string>; method?: string },
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...request.headers };
    let body: string | undefined;
    if (request.multipart !== undefined) {
      headers['content-type'] = `multipart/form-data; boundary=${BOUNDARY}`;
      body = request.multipart;
    } else if (request.json !== undefined || request.raw !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = request.raw ?? JSON.stringify(request.json);
    }
    const response = await fetch(url, { method: request.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
    const text = await response.text();
    return { status: response.status, requestId: response.headers.get('x-request-id'), body: JSON.parse(text) as Answer['body'] };
  }

  /**
   * The failures of one answer against the table, as sentences; empty when it holds. An answer
   * without `data` was refused before execution: its status is its error's. Once execution
   * started (`data` present, even null) the status is 200 whatever the field errors, as GraphQL
   * over HTTP says.
   */
  function disagreements(label: string, answer: Answer, options: { requestId: boolean }): string[] {
    const errors = answer.body.errors ?? [];
    if (errors.length === 0) return [`${label}: no error in the answer (HTTP ${answer.status})`];
    const found: string[] = [];
    const executed = 'data' in answer.body;
    if (executed && answer.status !== 200) found.push(`${label}: HTTP ${answer.status} for an answer that executed`);
    for (const error of errors) {
      const code = error.extensions?.code;
      if (!isErrorCode(code)) found.push(`${label}: code ${JSON.stringify(code)} is not in the table`);
      else if (!executed && !statusAgreesWithCode(answer.status, code)) {
        found.push(`${label}: HTTP ${answer.status} for ${code}, the table says ${HTTP_STATUS_OF_CODE[code]}`);
      }
      if (options.requestId && (typeof error.extensions?.requestId !== 'string' || error.extensions.requestId !== answer.requestId)) {
        found.push(`${label}: extensions.requestId ${JSON.stringify(error.extensions?.requestId)}, x-request-id ${answer.requestId}`);
      }
    }
    return found;
  }

  it('holds for every refusal at the gateway, the subgraphs and the REST routes', async () => {
    const monitor = await authHeaders({ subject: `monitor-${randomUUID()}`, roles: ['MONITOR'], studies: [studyId] });
    const preflight = { 'apollo-require-preflight': 'true' };
    const upload = (file: Array<[string, string, boolean?]>) =>
      multipart([
        ['operations', JSON.stringify({ query: IMPORT_VITALS_MUTATION, variables: { studyId, file: null } })],
        ['map', JSON.stringify({ 0: ['variables.file'] })],
        ...file,
      ]);
    const gateway = stack.gateway.url;
    const subjects = graphqlUrl(stack.subjects);
    const vitals = graphqlUrl(stack.vitals);
    const cases: Array<[string, () => Promise<Answer>]> = [
      ['no token', () => send(gateway, { json: { query: '{ studies { id } }' } })],
      ['a token that is not one', () => send(gateway, { json: { query: '{ studies { id } }' }, headers: { authorization: 'Bearer nonsense' } })],
      ['a body that is not JSON', () => send(gateway, { raw: '{"query": ', headers: admin })],
      ['a body over MAX_REQUEST_BYTES', () => send(gateway, { json: { query: `{ studies { id } } #${'x'.repeat(1_100_000)}` }, headers: admin })],
      ['a query that does not parse', () => send(gateway, { json: { query: '{ studies { id ' }, headers: admin })],
      ['a field that does not exist', () => send(gateway, { json: { query: '{ studies { nope } }' }, headers: admin })],
      [
        'a query over MAX_QUERY_DEPTH',
        () => send(gateway, { json: { query: `{ studies { sites { ${'study { sites { '.repeat(8)}id${' } }'.repeat(8)} } } }` }, headers: admin }),
      ],
      ['a query over MAX_QUERY_COST', () => send(gateway, { json: { query: '{ studies(first: 500) { sites { id code name } } }' }, headers: admin })],
      ['a subscription', () => send(gateway, { json: { query: 'subscription { __typename }' }, headers: admin })],
      ['an operation name not in the document', () => send(gateway, { json: { query: 'query A { __typename }', operationName: 'B' }, headers: admin })],
      ['a study that does not exist', () => send(gateway, { json: { query: `{ study(id: "${randomUUID()}") { id } }` }, headers: admin })],
      [
        'a mutation the role may not make',
        () => send(gateway, { json: { query: `mutation { createStudy(input: { code: "X", name: "X", sites: [] }) { id } }` }, headers: monitor }),
      ],
      [
        'reads over the role’s budget',
        async () => {
          let answer = await send(gateway, { json: { query: '{ __typename }' }, headers: monitor });
          for (let i = 0; i < 3 && answer.status !== 429; i++) answer = await send(gateway, { json: { query: '{ __typename }' }, headers: monitor });
          return answer;
        },
      ],
      ['an upload without the preflight header', () => send(gateway, { multipart: upload([['0', CSV, true]]), headers: admin })],
      [
        'an upload carrying another operation',
        () =>
          send(gateway, {
            multipart: multipart([
              ['operations', JSON.stringify({ query: '{ __typename }' })],
              ['map', '{}'],
            ]),
            headers: { ...admin, ...preflight },
          }),
      ],
      [
        'an upload to a study that does not exist',
        () => send(gateway, { multipart: upload([['0', CSV, true]]).replace(studyId, randomUUID()), headers: { ...admin, ...preflight } }),
      ],
      [
        'an upload with a second file, at vitals',
        () =>
          send(vitals, {
            multipart: upload([
              ['0', CSV, true],
              ['1', CSV, true],
            ]),
            headers: { ...admin, ...preflight },
          }),
      ],
      [
        'an upload with a second file, at the gateway',
        () =>
          send(gateway, {
            multipart: upload([
              ['0', CSV, true],
              ['1', CSV, true],
            ]),
            headers: { ...admin, ...preflight },
          }),
      ],
      ['an upload when vitals is gone', () => send(orphanGateway.url, { multipart: upload([['0', CSV, true]]), headers: { ...admin, ...preflight } })],
      ['subjects without a token', () => send(subjects, { json: { query: '{ studies { id } }' } })],
      [
        'subjects past the request’s deadline',
        () => send(subjects, { json: { query: '{ studies { id } }' }, headers: { ...admin, 'x-request-deadline': String(Date.now() - 1_000) } }),
      ],
      // (A subgraph answers a variable that does not coerce with 200, deliberately: see status400ForVariableCoercionErrors.)
      [
        'a variable that is missing',
        () => send(gateway, { json: { query: 'query($id: ID!) { vitalsImport(id: $id) { id } }', variables: {} }, headers: admin }),
      ],
      ['vitals with a field that does not exist', () => send(vitals, { json: { query: '{ nope }' }, headers: admin })],
      ['a REST study that does not exist', () => send(`${gateway}api/v1/studies/${randomUUID()}`, { headers: admin })],
      ['a REST route that does not exist', () => send(`${gateway}api/v1/webhook`, { headers: admin })],
      ['an export with a bad window', () => send(`${gateway}api/v1/studies/${studyId}/vitals.csv?from=yesterday`, { headers: admin })],
      ['an export without a token', () => send(`${gateway}api/v1/studies/${studyId}/vitals.csv`, {})],
    ];
    const found: string[] = [];
    for (const [label, request] of cases) {
      found.push(...disagreements(label, await request(), { requestId: true }));
    }
    expect(found).toEqual([]);
  });
});
