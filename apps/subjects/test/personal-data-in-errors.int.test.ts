import { adminHeaders, createTestDatabase, errorCodes, graphqlRequest, startApp, waitFor, type AppProcess, type TestDatabase } from '@trialgraph/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CREATE_SUBJECT = `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id name } }`;
const UPDATE_SUBJECT = `mutation($id: ID!, $input: UpdateSubjectInput!, $v: Int!, $reason: String!) { updateSubject(id: $id, input: $input, expectedVersion: $v, reason: $reason) { id name } }`;

/** Issue 11: a failing statement logged its parameters (a subject's name, old and new), and development answered with them. */
describe('personal data in errors (real processes, real PostgreSQL)', () => {
  let database: TestDatabase;
  let owner: postgres.Sql;
  const apps: Record<'production' | 'development', AppProcess | undefined> = { production: undefined, development: undefined };
  let headers: { authorization: string };
  let studyId: string;
  let siteId: string;

  beforeAll(async () => {
    database = await createTestDatabase('tg_pii_errors');
    apps.production = await startApp('subjects', { SUBJECTS_DATABASE_URL: database.url, NODE_ENV: 'production' });
    apps.development = await startApp('subjects', { SUBJECTS_DATABASE_URL: database.url, NODE_ENV: 'development' });
    headers = await adminHeaders();
    const created = await graphqlRequest(
      `${apps.production.url}graphql`,
      `mutation { createStudy(input: { code: "PII1", name: "PII", sites: [{ code: "S1", name: "One" }] }) { id sites { id } } }`,
      {},
      headers,
    );
    studyId = created.data?.createStudy.id;
    siteId = created.data?.createStudy.sites[0].id;
    // A constraint only a name of the tests' own choosing breaks: a statement that fails in the database with that name among its parameters.
    owner = postgres(database.url, { max: 1, onnotice: () => {} });
    await owner.unsafe(`alter table subjects add constraint tg_test_refused_name check (name is distinct from 'Zed Refused-Name')`);
  });

  afterAll(async () => {
    await owner?.end();
    await Promise.all(Object.values(apps).flatMap((app) => (app ? [app.stop()] : [])));
    await database?.drop();
  });

  const count = async () => Number((await owner`select count(*)::int as n from subjects`)[0]?.n);

  describe.each(['production', 'development'] as const)('in %s', (mode) => {
    const call = (query: string, variables: Record<string, unknown>) => graphqlRequest(`${apps[mode]!.url}graphql`, query, variables, headers);

    it('a statement that fails answers INTERNAL_SERVER_ERROR and neither the answer nor the log holds the name', async () => {
      const before = await count();
      const created = await call(CREATE_SUBJECT, { input: { studyId, siteId, name: 'Zed Refused-Name', age: 40, sex: 'MALE' } });
      expect(errorCodes(created)).toEqual(['INTERNAL_SERVER_ERROR']);
      const existing = await call(CREATE_SUBJECT, { input: { studyId, siteId, name: `Ann Before-${mode}`, age: 40, sex: 'FEMALE' } });
      const updated = await call(UPDATE_SUBJECT, { id: existing.data?.createSubject.id, input: { name: 'Zed Refused-Name' }, v: 1, reason: 'typo' });
      expect(errorCodes(updated)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(await count()).toBe(before + 1);
      const answers = JSON.stringify([created, updated]);
      expect(answers).not.toContain('Zed Refused-Name');
      expect(answers).not.toContain(`Ann Before-${mode}`);
      if (mode === 'development') expect(created.errors?.[0]?.message).toMatch(/^Failed query: insert into "subjects"/);
      const logs = await waitFor('the failures in the log', async () => {
        const output = apps[mode]!.output();
        return (output.match(/unexpected error/g) ?? []).length >= 2 && output;
      });
      expect(logs).toMatch(/tg_test_refused_name/);
      expect(logs).not.toContain('Zed Refused-Name');
      expect(logs).not.toContain(`Ann Before-${mode}`);
    });

    it('refuses control characters in text as BAD_USER_INPUT, naming the field, and stores nothing', async () => {
      const before = await count();
      const nul = await call(CREATE_SUBJECT, { input: { studyId, siteId, name: 'Ada\u0000Nul', age: 40, sex: 'FEMALE' } });
      expect(errorCodes(nul)).toEqual(['BAD_USER_INPUT']);
      expect(nul.errors?.[0]?.message).toBe(
        'input.name contains a control character (U+0000) at position 4: remove it; only tab, line feed and carriage return are allowed in text',
      );
      expect(nul.errors?.[0]?.extensions?.field).toBe('input.name');
      const existing = await call(CREATE_SUBJECT, { input: { studyId, siteId, name: 'Bo Plain', age: 40, sex: 'MALE' } });
      const reason = await call(UPDATE_SUBJECT, { id: existing.data?.createSubject.id, input: { age: 41 }, v: 1, reason: 'typo\u0000' });
      expect(errorCodes(reason)).toEqual(['BAD_USER_INPUT']);
      const escape = await call(
        `mutation { createStudy(input: { code: "ESC${mode === 'production' ? 'P' : 'D'}", name: "Evil \\u001b[2J", sites: [{ code: "S1", name: "x" }] }) { id } }`,
        {},
      );
      expect(errorCodes(escape)).toEqual(['BAD_USER_INPUT']);
      expect(await count()).toBe(before + 1);
    });
  });
});
