import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningGraphqlServer } from '@trialgraph/http';
import { createLogger } from '@trialgraph/observability';
import { createTokenVerifier } from '@trialgraph/auth';
import { adminHeaders, createTestDatabase, errorCodes, graphqlRequest, TEST_JWT_SECRET, type GraphqlResponse, type TestDatabase } from '@trialgraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSubjectsServer } from '../src/http-server.js';
import { openSubjectsDatabase } from '../src/db/client.js';
import { createInProcessLock } from '../src/subjects/subject-number-lock.js';

const CREATE_STUDY = `mutation($input: CreateStudyInput!) { createStudy(input: $input) { id code name sites { id code name } } }`;
const CREATE_SUBJECT = `mutation($input: CreateSubjectInput!) {
  createSubject(input: $input) { id subjectNumber name age sex status version createdAt updatedAt study { code } site { code } }
}`;
const UPDATE_SUBJECT = `mutation($id: ID!, $input: UpdateSubjectInput!, $expectedVersion: Int!, $reason: String!) {
  updateSubject(id: $id, input: $input, expectedVersion: $expectedVersion, reason: $reason) { id age status version }
}`;
const SUBJECTS_PAGE = `query($studyId: ID!, $siteId: ID, $status: SubjectStatus, $first: Int, $after: String) {
  subjects(studyId: $studyId, siteId: $siteId, status: $status, first: $first, after: $after) {
    totalCount edges { cursor node { subjectNumber site { code } } } pageInfo { hasNextPage endCursor }
  }
}`;

describe.each(['postgres', 'pglite'] as const)('subjects API on %s', (kind) => {
  let testDatabase: TestDatabase | undefined;
  let dataDir: string | undefined;
  let server: RunningGraphqlServer;
  let database: Awaited<ReturnType<typeof openSubjectsDatabase>>;
  let call: (query: string, variables?: Record<string, unknown>) => Promise<GraphqlResponse<any>>;
  let study: { id: string; sites: Array<{ id: string; code: string }> };

  beforeAll(async () => {
    if (kind === 'postgres') testDatabase = await createTestDatabase('tg_subjects');
    else dataDir = mkdtempSync(join(tmpdir(), 'tg-subjects-'));
    database = await openSubjectsDatabase({ url: testDatabase?.url, dataDir: dataDir ?? '' });
    server = await startSubjectsServer({
      port: 0,
      db: database.db,
      ping: database.ping,
      logger: createLogger({ service: 'subjects-test', level: 'silent' }),
      production: true,
      numberLock: createInProcessLock(),
      shutdownTimeoutMs: 1_000,
      verifyToken: createTokenVerifier({ secret: TEST_JWT_SECRET }),
    });
    const asAdmin = await adminHeaders();
    call = (query, variables) => graphqlRequest(server.url, query, variables, asAdmin);
    const created = await call(CREATE_STUDY, {
      input: {
        code: 'card01',
        name: 'Cardiac Study',
        sites: [
          { code: 's01', name: 'North' },
          { code: 'S02', name: 'South' },
        ],
      },
    });
    study = created.data?.createStudy;
  });

  afterAll(async () => {
    await server?.stop();
    await database?.close();
    await testDatabase?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const siteId = (code: string) => study.sites.find((site) => site.code === code)?.id as string;
  const newSubject = async (site = 'S01', extra: Record<string, unknown> = {}) => {
    const response = await call(CREATE_SUBJECT, { input: { studyId: study.id, siteId: siteId(site), name: 'Jane Roe', age: 40, sex: 'FEMALE', ...extra } });
    expect(response.errors).toBeUndefined();
    return response.data?.createSubject;
  };

  it('stores a study with upper-cased codes and its sites', () => {
    expect(study).toMatchObject({ code: 'CARD01', name: 'Cardiac Study' });
    expect(study.sites.map((site) => site.code)).toEqual(['S01', 'S02']);
  });

  it('refuses a second study with the same code as CONFLICT', async () => {
    const response = await call(CREATE_STUDY, { input: { code: 'CARD01', name: 'Again', sites: [{ code: 'S01', name: 'x' }] } });
    expect(errorCodes(response)).toEqual(['CONFLICT']);
    expect(response.errors?.[0]?.message).toBe('a study with code CARD01 already exists; choose another code');
  });

  it('lists studies a bounded page at a time, like every list, and refuses a page over 500', async () => {
    for (const code of ['PAGE-A', 'PAGE-B']) await call(CREATE_STUDY, { input: { code, name: code, sites: [{ code: 'S01', name: 'x' }] } });
    const firstTwo = await call(`{ studies(first: 2) { code } }`);
    expect(firstTwo.data?.studies.map((study: { code: string }) => study.code)).toEqual(['CARD01', 'PAGE-A']);
    const tooMany = await call(`{ studies(first: 501) { code } }`);
    expect(errorCodes(tooMany)).toEqual(['BAD_USER_INPUT']);
    expect(tooMany.errors?.[0]?.message).toBe('"first" must be between 0 and 500, got 501');
    expect((await call(`{ studies { code } }`)).data?.studies.length).toBeGreaterThanOrEqual(3);
  });

  it('numbers subjects per study in order, with the site code in the number', async () => {
    const first = await newSubject('S01');
    const second = await newSubject('S02');
    expect(first.subjectNumber).toMatch(/^CARD01-S01-\d{4}$/);
    const sequence = Number(first.subjectNumber.slice(-4));
    expect(second.subjectNumber).toBe(`CARD01-S02-${String(sequence + 1).padStart(4, '0')}`);
    expect(first).toMatchObject({ status: 'SCREENING', version: 1, study: { code: 'CARD01' }, site: { code: 'S01' } });
    expect(first.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('hands out distinct, gapless numbers to 40 concurrent creations', async () => {
    const before = await call(SUBJECTS_PAGE, { studyId: study.id, first: 0 });
    const start = before.data?.subjects.totalCount as number;
    const created = await Promise.all(Array.from({ length: 40 }, (_, index) => newSubject(index % 2 ? 'S01' : 'S02')));
    const sequences = created.map((subject) => Number(subject.subjectNumber.split('-').at(-1))).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 40 }, (_, index) => start + index + 1));
  });

  it.each([
    ['age 0', { age: 0 }, 'BAD_USER_INPUT', 'age must be between 1 and 130, got 0'],
    ['age 131', { age: 131 }, 'BAD_USER_INPUT', 'age must be between 1 and 130, got 131'],
    ['an empty name', { name: '   ' }, 'BAD_USER_INPUT', 'name must not be empty'],
    ['a malformed study id', { studyId: 'nope' }, 'BAD_USER_INPUT', 'studyId "nope" is not a valid id'],
    ['an unknown study', { studyId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND', 'No study with id 00000000-0000-4000-8000-000000000000'],
    [
      'an unknown site',
      { siteId: '00000000-0000-4000-8000-000000000000' },
      'NOT_FOUND',
      'No site with id 00000000-0000-4000-8000-000000000000 in study CARD01',
    ],
  ])('refuses a subject with %s and stores nothing', async (_label, override, code, message) => {
    const before = await call(SUBJECTS_PAGE, { studyId: study.id, first: 0 });
    const response = await call(CREATE_SUBJECT, { input: { studyId: study.id, siteId: siteId('S01'), name: 'X', age: 30, sex: 'MALE', ...override } });
    expect(errorCodes(response)).toEqual([code]);
    expect(response.errors?.[0]?.message).toBe(message);
    const after = await call(SUBJECTS_PAGE, { studyId: study.id, first: 0 });
    expect(after.data?.subjects.totalCount).toBe(before.data?.subjects.totalCount);
  });

  it('refuses a site of another study as NOT_FOUND, like an id that does not exist, so the answer confirms nothing', async () => {
    const other = await call(CREATE_STUDY, { input: { code: 'OTHER1', name: 'Other', sites: [{ code: 'X1', name: 'X' }] } });
    const siteId = other.data?.createStudy.sites[0].id;
    const response = await call(CREATE_SUBJECT, { input: { studyId: study.id, siteId, age: 30, sex: 'MALE' } });
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    expect(response.errors?.[0]?.message).toBe(`No site with id ${siteId} in study CARD01`);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const random = await call(CREATE_SUBJECT, { input: { studyId: study.id, siteId: unknown, age: 30, sex: 'MALE' } });
    expect(random.errors?.[0]?.message).toBe(`No site with id ${unknown} in study CARD01`);
  });

  it('pages through subjects with opaque cursors and counts per filter', async () => {
    const all = await call(SUBJECTS_PAGE, { studyId: study.id, first: 500 });
    const total = all.data?.subjects.totalCount as number;
    expect(all.data?.subjects.edges).toHaveLength(total);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: any = await call(SUBJECTS_PAGE, { studyId: study.id, first: 7, after });
      seen.push(...page.data.subjects.edges.map((edge: any) => edge.node.subjectNumber));
      after = page.data.subjects.pageInfo.hasNextPage ? page.data.subjects.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(all.data?.subjects.edges.map((edge: any) => edge.node.subjectNumber));
    const south = await call(SUBJECTS_PAGE, { studyId: study.id, siteId: siteId('S02'), first: 500 });
    expect(south.data?.subjects.edges.every((edge: any) => edge.node.site.code === 'S02')).toBe(true);
    expect(south.data?.subjects.totalCount).toBe(south.data?.subjects.edges.length);
    expect(south.data?.subjects.totalCount).toBeLessThan(total);
  });

  it.each([
    ['a page over 500', { first: 501 }, '"first" must be between 0 and 500, got 501'],
    ['a malformed cursor', { after: 'abc' }, '"after" is not a cursor of this list: pass an endCursor or edge cursor returned by it'],
  ])('refuses %s', async (_label, args, message) => {
    const response = await call(SUBJECTS_PAGE, { studyId: study.id, ...args });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toBe(message);
  });

  it('finds a subject by id and by number, and answers NOT_FOUND for unknown ones', async () => {
    const subject = await newSubject();
    const byId = await call(`query($id: ID!) { subject(id: $id) { subjectNumber } }`, { id: subject.id });
    expect(byId.data?.subject.subjectNumber).toBe(subject.subjectNumber);
    const byNumber = await call(`query($s: ID!, $n: String!) { subjectByNumber(studyId: $s, subjectNumber: $n) { id } }`, {
      s: study.id,
      n: subject.subjectNumber.toLowerCase(),
    });
    expect(byNumber.data?.subjectByNumber.id).toBe(subject.id);
    const missing = await call(`{ subject(id: "00000000-0000-4000-8000-000000000000") { id } }`);
    expect(missing.data?.subject).toBeNull();
    expect(errorCodes(missing)).toEqual(['NOT_FOUND']);
    expect(errorCodes(await call(`{ subject(id: "42") { id } }`))).toEqual(['BAD_USER_INPUT']);
  });

  it('updates a subject at the expected version and refuses a stale version with CONFLICT, changing nothing', async () => {
    const subject = await newSubject();
    const updated = await call(UPDATE_SUBJECT, { id: subject.id, input: { age: 41, status: 'ENROLLED' }, expectedVersion: 1, reason: 'visit 2' });
    expect(updated.data?.updateSubject).toMatchObject({ age: 41, status: 'ENROLLED', version: 2 });
    const stale = await call(UPDATE_SUBJECT, { id: subject.id, input: { age: 50 }, expectedVersion: 1, reason: 'late edit' });
    expect(errorCodes(stale)).toEqual(['CONFLICT']);
    expect(stale.errors?.[0]?.message).toContain('is at version 2, not 1');
    const now = await call(`query($id: ID!) { subject(id: $id) { age version } }`, { id: subject.id });
    expect(now.data?.subject).toEqual({ age: 41, version: 2 });
  });

  it('follows the status lifecycle and refuses illegal moves', async () => {
    const subject = await newSubject();
    const skip = await call(UPDATE_SUBJECT, { id: subject.id, input: { status: 'COMPLETED' }, expectedVersion: 1, reason: 'x' });
    expect(errorCodes(skip)).toEqual(['CONFLICT']);
    expect(skip.errors?.[0]?.message).toContain('from SCREENING a subject can move to ENROLLED or SCREEN_FAILED');
    const early = await call(`mutation($id: ID!) { withdrawSubject(id: $id, reason: "moved away") { status } }`, { id: subject.id });
    expect(errorCodes(early)).toEqual(['CONFLICT']);
    await call(UPDATE_SUBJECT, { id: subject.id, input: { status: 'ENROLLED' }, expectedVersion: 1, reason: 'consented' });
    const withdrawn = await call(`mutation($id: ID!) { withdrawSubject(id: $id, reason: "moved away") { status version } }`, { id: subject.id });
    expect(withdrawn.data?.withdrawSubject).toEqual({ status: 'WITHDRAWN', version: 3 });
    const reopened = await call(UPDATE_SUBJECT, { id: subject.id, input: { status: 'ENROLLED' }, expectedVersion: 3, reason: 'x' });
    expect(reopened.errors?.[0]?.message).toContain('WITHDRAWN is final');
  });

  it('refuses an update without a reason or without a field', async () => {
    const subject = await newSubject();
    const noReason = await call(UPDATE_SUBJECT, { id: subject.id, input: { age: 30 }, expectedVersion: 1, reason: ' ' });
    expect(errorCodes(noReason)).toEqual(['BAD_USER_INPUT']);
    const nothing = await call(UPDATE_SUBJECT, { id: subject.id, input: {}, expectedVersion: 1, reason: 'x' });
    expect(nothing.errors?.[0]?.message).toBe('input sets no field: give at least one of name, age, sex, status');
  });

  it('writes one append-only audit record per changed field, with who, old, new and why', async () => {
    const subject = await newSubject();
    await call(UPDATE_SUBJECT, { id: subject.id, input: { age: 44, name: 'Jane Smith' }, expectedVersion: 1, reason: 'married; birthday' });
    const events = database.pglite
      ? (
          await database.pglite.query<any>(`select action, field, old_value, new_value, reason, actor from audit_events where entity_id = $1 order by id`, [
            subject.id,
          ])
        ).rows
      : await database.postgresClient!`select action, field, old_value, new_value, reason, actor from audit_events where entity_id = ${subject.id} order by id`;
    const updates = events.filter((event: any) => event.action === 'UPDATE');
    expect(updates).toEqual([
      { action: 'UPDATE', field: 'name', old_value: 'Jane Roe', new_value: 'Jane Smith', reason: 'married; birthday', actor: 'test-admin' },
      { action: 'UPDATE', field: 'age', old_value: '40', new_value: '44', reason: 'married; birthday', actor: 'test-admin' },
    ]);
    expect(events.filter((event: any) => event.action === 'CREATE').map((event: any) => event.field)).toEqual([
      'subjectNumber',
      'siteId',
      'name',
      'age',
      'sex',
      'status',
    ]);
    // The service's own connection runs as its request role, which holds no UPDATE or DELETE here.
    const tamper = database.pglite
      ? database.pglite.query(`update audit_events set reason = 'x'`)
      : database.postgresClient!`update audit_events set reason = 'x'`;
    await expect(tamper).rejects.toThrow(/permission denied for table audit_events/);
    const forget = database.pglite ? database.pglite.query(`delete from audit_events`) : database.postgresClient!`delete from audit_events`;
    await expect(forget).rejects.toThrow(/permission denied for table audit_events/);
    const trail = await call(
      `query($id: ID!, $after: String) { auditTrail(entityId: $id, first: 7, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { actor action entityType entityId field oldValue newValue reason at } } } }`,
      { id: subject.id },
    );
    expect(trail.data?.auditTrail.totalCount).toBe(8);
    expect(trail.data?.auditTrail.edges.map((edge: any) => edge.node.field)).toEqual(['subjectNumber', 'siteId', 'name', 'age', 'sex', 'status', 'name']);
    const rest = await call(
      `query($id: ID!, $after: String) { auditTrail(entityId: $id, after: $after) { edges { node { field oldValue newValue reason actor } } } }`,
      {
        id: subject.id,
        after: trail.data?.auditTrail.pageInfo.endCursor,
      },
    );
    expect(rest.data?.auditTrail.edges.map((edge: any) => edge.node)).toEqual([
      { field: 'age', oldValue: '40', newValue: '44', reason: 'married; birthday', actor: 'test-admin' },
    ]);
    const erase = database.pglite ? database.pglite.query(`delete from subjects`) : database.postgresClient!`delete from subjects`;
    await expect(erase).rejects.toThrow(/permission denied for table subjects/);
  });
});
