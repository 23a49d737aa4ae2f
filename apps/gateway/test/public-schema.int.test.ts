import { createTestDatabase, errorCodes, graphqlRequest, startAppStack, testToken, type AppStack, type TestDatabase } from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The public schema's links and lists as a Relay or Apollo client uses them, through the
 * gateway: global ids and node(id:) across both subgraphs, entity references in place of bare
 * ids, and import reports and their row errors paged as connections.
 */
describe('the public schema through the gateway (real processes, real PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let stack: AppStack;
  let admin: string;
  let s01Coordinator: string;
  let study: { id: string; code: string; sites: Array<{ id: string; code: string; nodeId: string }> };
  /** One subject per site, S01 then S02, each with one imported reading. */
  let subjects: Array<{ id: string; nodeId: string; subjectNumber: string; reading: { id: string; nodeId: string } }>;
  /** The import that stored both readings, sent by the administrator, with 5 refused rows. */
  let report: { id: string; nodeId: string };

  const query = (token: string, text: string, variables: Record<string, unknown> = {}) =>
    graphqlRequest(stack.gateway.url, text, variables, { authorization: `Bearer ${token}` });
  const upload = async (token: string, csv: string, fileName: string) => {
    const response = await importVitalsFile({
      url: stack.gateway.url,
      studyId: study.id,
      file: (async function* () {
        yield Buffer.from(csv);
      })(),
      fileName,
      token,
    });
    expect(response.errors).toBeUndefined();
    return response.data?.importVitals as { id: string; rowsAccepted: number; rowsRejected: number };
  };

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_pubschema_s'), createTestDatabase('tg_pubschema_v')]);
    stack = await startAppStack({
      env: { LOG_LEVEL: 'warn' },
      subjects: { SUBJECTS_DATABASE_URL: subjectsDb.url },
      vitals: { VITALS_DATABASE_URL: vitalsDb.url },
    });
    admin = await testToken({ roles: ['ADMIN'], subject: 'admin-1' });
    const created = await query(admin, `mutation($input: CreateStudyInput!) { createStudy(input: $input) { id code sites { id code nodeId } } }`, {
      input: {
        code: 'PUB01',
        name: 'Public schema',
        sites: [
          { code: 'S01', name: 'North' },
          { code: 'S02', name: 'South' },
        ],
      },
    });
    expect(created.errors).toBeUndefined();
    study = created.data?.createStudy;
    s01Coordinator = await testToken({ roles: ['COORDINATOR'], subject: 'coordinator-s01', studies: [study.id], sites: [study.sites[0]!.id] });
    const enrolled: Array<{ id: string; nodeId: string; subjectNumber: string }> = [];
    for (const site of study.sites) {
      const subject = await query(admin, `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id nodeId subjectNumber } }`, {
        input: { studyId: study.id, siteId: site.id, age: 40, sex: 'FEMALE' },
      });
      expect(subject.errors).toBeUndefined();
      enrolled.push(subject.data?.createSubject);
    }
    const [north, south] = enrolled as [(typeof enrolled)[number], (typeof enrolled)[number]];
    const bad = Array.from({ length: 5 }, (_, index) => `${north.subjectNumber},2025-03-0${index + 2} 08:00,999`);
    const csv = ['patient_id,record_time,heart_rate', `${north.subjectNumber},2025-03-01 08:00,71`, `${south.subjectNumber},2025-03-01 08:00,72`, ...bad].join(
      '\n',
    );
    const imported = await upload(admin, `${csv}\n`, 'both-sites.csv');
    expect(imported).toMatchObject({ rowsAccepted: 2, rowsRejected: 5 });
    const reportNode = await query(admin, `query($id: ID!) { vitalsImport(id: $id) { nodeId } }`, { id: imported.id });
    report = { id: imported.id, nodeId: reportNode.data?.vitalsImport.nodeId };
    subjects = [];
    for (const subject of enrolled) {
      const readings = await query(admin, `query($id: ID!) { subject(id: $id) { vitals { edges { node { id nodeId } } } } }`, { id: subject.id });
      subjects.push({ ...subject, reading: readings.data?.subject.vitals.edges[0].node });
    }
  });

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  describe('node(id:) and global ids', () => {
    const NODE = `query($id: ID!) {
      node(id: $id) {
        __typename nodeId
        ... on Study { code sites { code } }
        ... on Site { code study { code } }
        ... on Subject { subjectNumber latestVitalSign { heartRate } }
        ... on VitalSign { heartRate subject { subjectNumber } import { fileName } }
        ... on VitalsImport { fileName rowsRejected study { code } }
      }
    }`;

    it('refetches each type by its nodeId, with fields from both subgraphs', async () => {
      const [s01, s02] = subjects as [(typeof subjects)[number], (typeof subjects)[number]];
      const studyNode = await query(admin, `query($id: ID!) { study(id: $id) { nodeId } }`, { id: study.id });
      const cases: Array<[string, unknown]> = [
        [studyNode.data?.study.nodeId, { __typename: 'Study', code: 'PUB01', sites: [{ code: 'S01' }, { code: 'S02' }] }],
        [study.sites[1]!.nodeId, { __typename: 'Site', code: 'S02', study: { code: 'PUB01' } }],
        [s02.nodeId, { __typename: 'Subject', subjectNumber: s02.subjectNumber, latestVitalSign: { heartRate: 72 } }],
        [s01.reading.nodeId, { __typename: 'VitalSign', heartRate: 71, subject: { subjectNumber: s01.subjectNumber }, import: { fileName: 'both-sites.csv' } }],
        [report.nodeId, { __typename: 'VitalsImport', fileName: 'both-sites.csv', rowsRejected: 5, study: { code: 'PUB01' } }],
      ];
      for (const [nodeId, expected] of cases) {
        const response = await query(admin, NODE, { id: nodeId });
        expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
        expect(response.data?.node).toEqual({ nodeId, ...(expected as object) });
      }
    });

    it('never reveals another site’s record: NOT_FOUND, as an id that does not exist', async () => {
      const [s01, s02] = subjects as [(typeof subjects)[number], (typeof subjects)[number]];
      // The coordinator of S01 reads S01's subject and reading…
      for (const nodeId of [s01.nodeId, s01.reading.nodeId]) {
        const own = await query(s01Coordinator, NODE, { id: nodeId });
        expect(own.errors).toBeUndefined();
        expect(own.data?.node.nodeId).toBe(nodeId);
      }
      // …but S02's subject and reading, and the administrator's import report, read as missing.
      const missingSubject = Buffer.from('Subject:00000000-0000-4000-8000-000000000000').toString('base64');
      for (const nodeId of [s02.nodeId, s02.reading.nodeId, report.nodeId, missingSubject]) {
        const hidden = await query(s01Coordinator, NODE, { id: nodeId });
        expect(errorCodes(hidden), JSON.stringify(hidden.errors)).toEqual(['NOT_FOUND']);
        expect(JSON.stringify(hidden.data ?? null), nodeId).not.toMatch(/72|both-sites|PUB01-S02/);
      }
    });

    it('refuses an id that is not a global id with BAD_USER_INPUT', async () => {
      const response = await query(admin, NODE, { id: study.id });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors?.[0]?.message).toContain('nodeId');
    });
  });

  describe('links in place of bare ids', () => {
    it('gives an import’s study and a reading’s import as objects; the deprecated ids still answer', async () => {
      const response = await query(
        admin,
        `query($id: ID!, $subject: ID!) {
        vitalsImport(id: $id) { studyId study { id code } }
        subject(id: $subject) { latestVitalSign { importId import { id fileName } } }
      }`,
        { id: report.id, subject: subjects[0]!.id },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({
        vitalsImport: { studyId: study.id, study: { id: study.id, code: 'PUB01' } },
        subject: { latestVitalSign: { importId: report.id, import: { id: report.id, fileName: 'both-sites.csv' } } },
      });
    });

    it('hides a reading’s import from a coordinator who may read the reading but not that report', async () => {
      const response = await query(s01Coordinator, `query($id: ID!) { subject(id: $id) { latestVitalSign { heartRate import { fileName } } } }`, {
        id: subjects[0]!.id,
      });
      expect(response.errors).toBeUndefined();
      expect(response.data?.subject.latestVitalSign).toEqual({ heartRate: 71, import: null });
    });

    it('resolves a Site by its key only within the caller’s studies', async () => {
      const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Site { code } } }`;
      const representations = [{ __typename: 'Site', id: study.sites[1]!.id }];
      const other = await testToken({ roles: ['MONITOR'], studies: ['00000000-0000-4000-8000-000000000000'] });
      const url = `${stack.subjects.url}graphql`;
      expect((await graphqlRequest(url, entities, { r: representations }, { authorization: `Bearer ${admin}` })).data?._entities).toEqual([{ code: 'S02' }]);
      expect((await graphqlRequest(url, entities, { r: representations }, { authorization: `Bearer ${other}` })).data?._entities).toEqual([null]);
    });
  });

  describe('connections', () => {
    it('pages a study’s import reports with cursors, newest first, and counts them', async () => {
      await upload(admin, `patient_id,record_time,heart_rate\n${subjects[0]!.subjectNumber},2025-04-01 08:00,70\n`, 'second.csv');
      await upload(admin, `patient_id,record_time,heart_rate\n${subjects[0]!.subjectNumber},2025-04-02 08:00,70\n`, 'third.csv');
      const PAGE = `query($s: ID!, $after: String) {
        vitalsImports(studyId: $s, first: 2, after: $after) {
          totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { fileName } }
        }
      }`;
      const first = await query(admin, PAGE, { s: study.id });
      expect(first.errors).toBeUndefined();
      const page = first.data?.vitalsImports;
      expect(page.edges.map((edge: any) => edge.node.fileName)).toEqual(['third.csv', 'second.csv']);
      expect(page).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true, hasPreviousPage: false, endCursor: page.edges[1].cursor } });
      const second = await query(admin, PAGE, { s: study.id, after: page.pageInfo.endCursor });
      expect(second.data?.vitalsImports).toMatchObject({
        totalCount: 3,
        pageInfo: { hasNextPage: false, hasPreviousPage: true },
        edges: [{ node: { fileName: 'both-sites.csv' } }],
      });
    });

    it('pages an import’s row errors with cursors, and still takes a line number as after', async () => {
      const ERRORS = `query($id: ID!, $after: String) {
        vitalsImport(id: $id) { errors(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { line code } } } }
      }`;
      const lines = (response: Awaited<ReturnType<typeof query>>) => response.data?.vitalsImport.errors.edges.map((edge: any) => edge.node.line);
      const first = await query(admin, ERRORS, { id: report.id });
      expect(first.errors).toBeUndefined();
      expect(first.data?.vitalsImport.errors).toMatchObject({
        totalCount: 5,
        pageInfo: { hasNextPage: true },
        edges: [{ node: { line: 4, code: 'OUT_OF_RANGE' } }, { node: { line: 5 } }],
      });
      expect(lines(await query(admin, ERRORS, { id: report.id, after: first.data?.vitalsImport.errors.pageInfo.endCursor }))).toEqual([6, 7]);
      expect(lines(await query(admin, ERRORS, { id: report.id, after: '6' }))).toEqual([7, 8]);
      expect(errorCodes(await query(admin, ERRORS, { id: report.id, after: 'not a cursor' }))).toEqual(['BAD_USER_INPUT']);
    });
  });

  it('names the import options input ImportOptionsInput, and types row error codes as an enum', async () => {
    const response = await query(
      admin,
      `{
      options: __type(name: "ImportOptionsInput") { kind }
      old: __type(name: "ImportOptions") { kind }
      rowError: __type(name: "ImportRowError") { fields { name type { ofType { kind name } } } }
    }`,
    );
    expect(response.data?.options).toEqual({ kind: 'INPUT_OBJECT' });
    expect(response.data?.old).toBeNull();
    expect(response.data?.rowError.fields.find((field: any) => field.name === 'code').type.ofType).toEqual({ kind: 'ENUM', name: 'ImportRowErrorCode' });
  });
});
