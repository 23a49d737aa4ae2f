import postgres from 'postgres';
import {
  adminHeaders,
  createTestDatabase,
  errorCodes,
  graphqlRequest,
  startApp,
  TEST_POSTGRES_URL,
  type AppProcess,
  type TestDatabase,
} from '@trialgraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CREATE_STUDY = `mutation($input: CreateStudyInput!) { createStudy(input: $input) { id code sites { id code } } }`;
const CREATE_SUBJECT = `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id subjectNumber status study { code } site { code } } }`;

describe('the gateway in front of the subjects subgraph (real processes, real PostgreSQL)', () => {
  let database: TestDatabase;
  let subjects: AppProcess;
  let gateway: AppProcess;
  let study: { id: string; sites: Array<{ id: string; code: string }> };
  let headers: { authorization: string };

  beforeAll(async () => {
    headers = await adminHeaders();
    database = await createTestDatabase('tg_gateway');
    subjects = await startApp('subjects', { SUBJECTS_DATABASE_URL: database.url, NODE_ENV: 'production' });
    gateway = await startApp('gateway', { SUBJECTS_URL: `${subjects.url}graphql`, VITALS_URL: 'http://127.0.0.1:9/graphql' });
    const created = await graphqlRequest(
      gateway.url,
      CREATE_STUDY,
      {
        input: {
          code: 'GW01',
          name: 'Gateway Study',
          sites: [
            { code: 'S01', name: 'North' },
            { code: 'S02', name: 'South' },
          ],
        },
      },
      headers,
    );
    study = created.data?.createStudy;
  });

  afterAll(async () => {
    await gateway?.stop();
    await subjects?.stop();
    await database?.drop();
  });

  it('answers the first query of the README', async () => {
    const response = await graphqlRequest(gateway.url, `{ studies { code sites { code } } }`, {}, headers);
    expect(response.data).toEqual({ studies: [{ code: 'GW01', sites: [{ code: 'S01' }, { code: 'S02' }] }] });
  });

  it('creates a subject through the gateway', async () => {
    const response = await graphqlRequest(
      gateway.url,
      CREATE_SUBJECT,
      {
        input: { studyId: study.id, siteId: study.sites[1]?.id, name: 'Jo', age: 33, sex: 'OTHER' },
      },
      headers,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.createSubject).toMatchObject({ subjectNumber: 'GW01-S02-0001', status: 'SCREENING', study: { code: 'GW01' }, site: { code: 'S02' } });
  });

  it.each([
    ['an age of 0', { age: 0 }],
    ['an unknown site', { siteId: '00000000-0000-4000-8000-000000000000' }],
    ['a malformed study id', { studyId: 'x' }],
  ])('reports %s with the same code and message as the subgraph itself', async (_label, override) => {
    const variables = { input: { studyId: study.id, siteId: study.sites[0]?.id, age: 30, sex: 'MALE', ...override } };
    const direct = await graphqlRequest(`${subjects.url}graphql`, CREATE_SUBJECT, variables, headers);
    const through = await graphqlRequest(gateway.url, CREATE_SUBJECT, variables, headers);
    expect(errorCodes(through)).toEqual(errorCodes(direct));
    expect(through.errors?.[0]?.message).toBe(direct.errors?.[0]?.message);
    expect(errorCodes(through)[0]).toMatch(/^(BAD_USER_INPUT|NOT_FOUND)$/);
  });

  it('refuses a malformed query with a validation code before reaching a subgraph', async () => {
    const response = await graphqlRequest(gateway.url, `{ studies { nope } }`, {}, headers);
    expect(errorCodes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('serves Apollo Sandbox at GET / and lets a page of this machine call it', async () => {
    const page = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('sandbox');
    const preflight = await fetch(gateway.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('passes the request id to the subgraph so one request can be followed in both logs', async () => {
    await graphqlRequest(gateway.url, `{ studies { code } }`, {}, { 'x-request-id': 'trace-me-123', ...headers });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(gateway.output()).toContain('"id":"trace-me-123"');
    expect(subjects.output()).toContain('"id":"trace-me-123"');
  });

  it('answers SERVICE_UNAVAILABLE quickly while the database is gone, stays up, and recovers', async () => {
    const admin = postgres(TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
    const hidden = `${database.name}_away`;
    try {
      await admin.unsafe(`alter database "${database.name}" rename to "${hidden}"`).catch(async () => {
        await admin.unsafe(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${database.name}'`);
        await admin.unsafe(`alter database "${database.name}" rename to "${hidden}"`);
      });
      await admin.unsafe(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${hidden}'`);
      const started = Date.now();
      const response = await graphqlRequest(gateway.url, `{ studies { code } }`, {}, headers);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(errorCodes(response)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(response.errors?.[0]?.message).toBe('The database is unavailable right now; retry in a moment.');
      expect((await fetch(new URL('/readyz', subjects.url))).status).toBe(503);
      expect(subjects.process.exitCode).toBeNull();
    } finally {
      await admin.unsafe(`alter database "${hidden}" rename to "${database.name}"`);
      await admin.end();
    }
    const recovered = await graphqlRequest(gateway.url, `{ studies { code } }`, {}, headers);
    expect(recovered.data).toEqual({ studies: [{ code: 'GW01' }] });
  });

  it('stops on SIGTERM with exit code 0', async () => {
    expect(await gateway.stop('SIGTERM')).toBe(0);
  });
});
