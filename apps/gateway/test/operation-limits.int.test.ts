import { Readable } from 'node:stream';
import {
  adminHeaders,
  authHeaders,
  createTestDatabase,
  errorCodes,
  graphqlRequest,
  distinctFreePorts,
  startApp,
  startTogether,
  type AppProcess,
  type GraphqlResponse,
  type TestDatabase,
} from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SUBJECTS = 500;
const READINGS_PER_SUBJECT = 500;

/** A CSV with READINGS_PER_SUBJECT readings, one a minute, for each subject number. */
function readingsCsv(subjectNumbers: string[]): AsyncIterable<Uint8Array> {
  async function* lines() {
    yield Buffer.from('patient_id,record_time,heart_rate\n');
    for (const number of subjectNumbers) {
      let block = '';
      for (let minute = 0; minute < READINGS_PER_SUBJECT; minute++) {
        block += `${number},${new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString()},${60 + (minute % 40)}\n`;
      }
      yield Buffer.from(block);
    }
  }
  return Readable.from(lines());
}

const expectRefusedNaming = (response: GraphqlResponse, limit: string) => {
  expect(response.status).toBe(400);
  expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  expect(response.errors?.[0]?.message).toContain(limit);
  expect(response.data ?? null).toBeNull();
};

describe('work per request is bounded before it runs (real processes, real PostgreSQL, 500 subjects × 500 readings)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let subjects: AppProcess;
  let vitals: AppProcess;
  let smallVitals: AppProcess;
  let gateway: AppProcess;
  let studyId: string;
  let subjectIds: string[];
  let subjectNumbers: string[];
  let monitor: { authorization: string };

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_limits_s'), createTestDatabase('tg_limits_v')]);
    // Every process at once, on ports chosen beforehand: the two vitals share a database, whose
    // migrations run under an advisory lock.
    const [subjectsPort, vitalsPort, smallVitalsPort, gatewayPort] = (await distinctFreePorts(4)) as [number, number, number, number];
    const subjectsUrl = `http://127.0.0.1:${subjectsPort}/graphql`;
    [subjects, vitals, smallVitals, gateway] = (await startTogether([
      startApp('subjects', { SUBJECTS_DATABASE_URL: subjectsDb.url, LOG_LEVEL: 'warn', PORT: String(subjectsPort) }),
      startApp('vitals', { VITALS_DATABASE_URL: vitalsDb.url, SUBJECTS_URL: subjectsUrl, LOG_LEVEL: 'warn', PORT: String(vitalsPort) }),
      // The same database behind a vitals with a small row budget, to reach that bound below the cost limit.
      startApp('vitals', {
        VITALS_DATABASE_URL: vitalsDb.url,
        SUBJECTS_URL: subjectsUrl,
        LOG_LEVEL: 'warn',
        MAX_ROWS_PER_REQUEST: '1000',
        PORT: String(smallVitalsPort),
      }),
      startApp('gateway', { SUBJECTS_URL: subjectsUrl, VITALS_URL: `http://127.0.0.1:${vitalsPort}/graphql`, LOG_LEVEL: 'warn', PORT: String(gatewayPort) }),
    ])) as [AppProcess, AppProcess, AppProcess, AppProcess];

    const admin = await adminHeaders();
    const study = await graphqlRequest(
      gateway.url,
      `mutation { createStudy(input: { code: "LIM", name: "Limits", sites: [{ code: "S01", name: "North" }] }) { id sites { id } } }`,
      {},
      admin,
    );
    studyId = study.data?.createStudy.id;
    const siteId = study.data?.createStudy.sites[0].id;
    const created: Array<{ id: string; subjectNumber: string }> = [];
    for (let start = 0; start < SUBJECTS; start += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, () =>
          graphqlRequest(
            gateway.url,
            `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id subjectNumber } }`,
            {
              input: { studyId, siteId, age: 40, sex: 'FEMALE' },
            },
            admin,
          ),
        ),
      );
      created.push(...batch.map((response) => response.data?.createSubject));
    }
    subjectIds = created.map((subject) => subject.id);
    subjectNumbers = created.map((subject) => subject.subjectNumber);
    const imported = await importVitalsFile({ url: gateway.url, studyId, file: readingsCsv(subjectNumbers), token: admin.authorization.slice(7) });
    expect(imported.data?.importVitals).toMatchObject({ status: 'SUCCEEDED', rowsAccepted: SUBJECTS * READINGS_PER_SUBJECT });
    monitor = await authHeaders({ subject: 'monitor-limits', roles: ['MONITOR'], studies: [studyId] });
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), smallVitals?.stop(), vitals?.stop(), subjects?.stop()]);
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  /** vitals still answers, through the gateway, right after a refusal. */
  const expectVitalsServing = async () => {
    const response = await graphqlRequest(
      gateway.url,
      `query($studyId: ID!) { subjects(studyId: $studyId, first: 2) { edges { node { latestVitalSign { heartRate } vitals(first: 3) { totalCount } } } } }`,
      { studyId },
      monitor,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.subjects.edges[0].node.vitals.totalCount).toBe(READINGS_PER_SUBJECT);
    expect(vitals.process.exitCode).toBeNull();
  };

  it('refuses subjectsByNumbers with 500 numbers and their vitals as a monitor, counting the list argument, and vitals stays up', async () => {
    const response = await graphqlRequest(
      gateway.url,
      `query($studyId: ID!, $numbers: [String!]!) { subjectsByNumbers(studyId: $studyId, subjectNumbers: $numbers) { vitals { edges { node { heartRate recordedAt } } } } }`,
      { studyId, numbers: subjectNumbers },
      monitor,
    );
    expectRefusedNaming(response, 'MAX_QUERY_COST');
    await expectVitalsServing();
  });

  it('refuses subjects(first: $n) { vitals(first: $n) } with $n = 500, counting variables', async () => {
    const response = await graphqlRequest(
      gateway.url,
      `query($studyId: ID!, $n: Int!) { subjects(studyId: $studyId, first: $n) { edges { node { vitals(first: $n) { edges { node { heartRate recordedAt } } } } } } }`,
      { studyId, n: 500 },
      monitor,
    );
    expectRefusedNaming(response, 'MAX_QUERY_COST');
    await expectVitalsServing();
  });

  it('refuses 30 aliases that each rely on the default page sizes', async () => {
    const aliases = Array.from(
      { length: 30 },
      (_, index) => `a${index}: subjects(studyId: $studyId) { edges { node { vitals { edges { node { heartRate } } } } } }`,
    ).join('\n');
    const response = await graphqlRequest(gateway.url, `query($studyId: ID!) { ${aliases} }`, { studyId }, monitor);
    expectRefusedNaming(response, 'MAX_QUERY_COST');
    await expectVitalsServing();
  });

  it('applies the same cost limit at vitals when it is called directly with 500 entity representations', async () => {
    const response = await graphqlRequest(
      `${vitals.url}graphql`,
      `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Subject { vitals(first: 500) { edges { node { heartRate } } } } } }`,
      { representations: subjectIds.map((id) => ({ __typename: 'Subject', id })) },
      monitor,
    );
    expectRefusedNaming(response, 'MAX_QUERY_COST');
  });

  it('lets a page just under the cost limit through the gateway, whose plan every subgraph accepts', async () => {
    // 500 subjects × (edge + node + 11 × (edge + node + connection)) = 18,000 of 20,000 at the
    // gateway; vitals gets _entities for 500 representations of 34 each, 17,000.
    const response = await graphqlRequest(
      gateway.url,
      `query($studyId: ID!) { subjects(studyId: $studyId, first: 500) { edges { node { subjectNumber vitals(first: 11) { edges { node { heartRate } } } } } } }`,
      { studyId },
      monitor,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.subjects.edges).toHaveLength(SUBJECTS);
    expect(response.data?.subjects.edges[SUBJECTS - 1].node.vitals.edges).toHaveLength(11);
  });

  it('refuses a request whose rows would exceed MAX_ROWS_PER_REQUEST before its statement runs', async () => {
    // 20 × vitals(first: 100) costs 6,020 (under the cost limit) but reads 20 × 101 rows.
    const response = await graphqlRequest(
      `${smallVitals.url}graphql`,
      `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Subject { vitals(first: 100) { totalCount } } } }`,
      { representations: subjectIds.slice(0, 20).map((id) => ({ __typename: 'Subject', id })) },
      monitor,
    );
    expect(errorCodes(response)[0]).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toContain('MAX_ROWS_PER_REQUEST');
    expect(response.errors?.[0]?.message).toContain('1,000 rows');
    const small = await graphqlRequest(
      `${smallVitals.url}graphql`,
      `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Subject { vitals(first: 40) { totalCount } } } }`,
      { representations: subjectIds.slice(0, 20).map((id) => ({ __typename: 'Subject', id })) },
      monitor,
    );
    expect(small.errors).toBeUndefined();
    expect(small.data?._entities).toHaveLength(20);
  });
});
