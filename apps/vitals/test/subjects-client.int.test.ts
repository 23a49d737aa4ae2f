import { adminHeaders, createTestDatabase, graphqlRequest, startApp, type AppProcess, type TestDatabase } from '@trialgraph/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubjectsClient, SUBJECT_NUMBERS_PER_CALL } from '../src/subjects-client.js';

describe('the batched call from vitals to the subjects subgraph (real process, real PostgreSQL)', () => {
  let database: TestDatabase;
  let subjects: AppProcess;
  let study: { id: string; code: string; sites: Array<{ id: string; code: string }> };
  const enrolled = SUBJECT_NUMBERS_PER_CALL + 250;

  beforeAll(async () => {
    database = await createTestDatabase('tg_subjects_client');
    subjects = await startApp('subjects', { SUBJECTS_DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
    const created = await graphqlRequest(
      `${subjects.url}graphql`,
      `mutation { createStudy(input: { code: "BIG01", name: "Big", sites: [{ code: "S01", name: "North" }] }) { id code sites { id code } } }`,
      {},
      await adminHeaders(),
    );
    study = created.data?.createStudy;
    // More subjects than one call may name; written straight to the table, as enrolling them
    // one by one through the API would take most of a minute.
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      await sql`
        insert into subjects (study_id, site_id, sequence, subject_number, age, sex)
        select ${study.id}::uuid, ${study.sites[0]!.id}::uuid, n, 'BIG01-S01-' || lpad(n::text, 5, '0'), 40, 'FEMALE'
        from generate_series(1, ${enrolled}::int) as n`;
    } finally {
      await sql.end();
    }
  });

  afterAll(async () => {
    await subjects?.stop();
    await database?.drop();
  });

  it('resolves more subject numbers than one subjectsByNumbers call takes, leaving out unknown ones', async () => {
    const client = createSubjectsClient({
      url: `${subjects.url}graphql`,
      authorization: (await adminHeaders()).authorization,
      requestId: 'test',
      policy: { timeoutMs: 5_000, retries: 0, backoffMs: 100 },
    });
    const numbers = Array.from({ length: enrolled }, (_, index) => `BIG01-S01-${String(index + 1).padStart(5, '0')}`);
    const found = await client.findSubjectsByNumbers(study.id, [...numbers, 'BIG01-S01-99999']);
    expect(found).toHaveLength(enrolled);
    expect(new Set(found.map((subject) => subject.subjectNumber))).toEqual(new Set(numbers));
    expect(found.every((subject) => subject.studyId === study.id && subject.siteId === study.sites[0]!.id)).toBe(true);
  });
});
