import { tmpdir } from 'node:os';
import type { RunningGraphqlServer } from '@trialgraph/http';
import { createLogger } from '@trialgraph/observability';
import { createTokenVerifier } from '@trialgraph/auth';
import { adminHeaders, createTestDatabase, graphqlRequest, startApp, TEST_JWT_SECRET, type AppProcess, type TestDatabase } from '@trialgraph/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVitalsServer } from '../src/http-server.js';
import { openVitalsDatabase } from '../src/db/client.js';
import { processLocalClaims } from '../src/imports/import-claims.js';
import { ImportRegistry } from '../src/imports/import-registry.js';
import { createReadingPartitions } from '../src/vitals/reading-partitions.js';

const PAGE_QUERY = `query($studyId: ID!, $first: Int!) {
  subjects(studyId: $studyId, first: $first) { edges { node { subjectNumber
    vitals(first: 5) { totalCount edges { node { heartRate recordedAt } } }
    latestVitalSign { heartRate recordedAt } } } }
}`;

describe('reading vitals for a page of subjects', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let subjects: AppProcess;
  let gateway: AppProcess;
  let vitals: RunningGraphqlServer;
  let database: Awaited<ReturnType<typeof openVitalsDatabase>>;
  const statements: string[] = [];
  let studyId: string;
  /** Imports of the study, oldest first: each odd one stored again the file of the even one before it. */
  const importIds: string[] = [];

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_stmt_s'), createTestDatabase('tg_stmt_v')]);
    subjects = await startApp('subjects', { SUBJECTS_DATABASE_URL: subjectsDb.url });
    database = await openVitalsDatabase({ url: vitalsDb.url, dataDir: '', onStatement: (sql) => statements.push(sql) });
    vitals = await startVitalsServer({
      verifyToken: createTokenVerifier({ secret: TEST_JWT_SECRET }),
      port: 0,
      db: database.db,
      readingPartitions: createReadingPartitions(database),
      ping: database.ping,
      logger: createLogger({ service: 'vitals-test', level: 'silent' }),
      production: false,
      subjectsUrl: `${subjects.url}graphql`,
      subjectsCallPolicy: { timeoutMs: 5_000, retries: 2, backoffMs: 100 },
      imports: new ImportRegistry({ maxConcurrentImports: 2, databaseConnections: 1 }),
      importClaims: processLocalClaims,
      importSettings: {
        maxUploadBytes: 1024 ** 2,
        batchSize: 1000,
        batchesInFlight: 2,
        maxBatchBytes: 16 * 1024 ** 2,
        uploadIdleTimeoutMs: 5_000,
        spoolDir: tmpdir(),
        maxErrorBytes: 1024 ** 2,
        maxErrorTextChars: 200,
        subjectCacheEntries: 1_000,
      },
      shutdownTimeoutMs: 1000,
    });
    gateway = await startApp('gateway', { SUBJECTS_URL: `${subjects.url}graphql`, VITALS_URL: `${vitals.url}graphql` });

    const study = await graphqlRequest(
      gateway.url,
      `mutation { createStudy(input: { code: "STMT", name: "Statements", sites: [{ code: "S1", name: "One" }] }) { id sites { id } } }`,
      {},
      await adminHeaders(),
    );
    studyId = study.data?.createStudy.id;
    const siteId = study.data?.createStudy.sites[0].id;
    const asAdmin = await adminHeaders();
    const created = await Promise.all(
      Array.from({ length: 60 }, () =>
        graphqlRequest(
          gateway.url,
          `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id } }`,
          { input: { studyId, siteId, age: 40, sex: 'MALE' } },
          asAdmin,
        ),
      ),
    );
    const sql = postgres(vitalsDb.url, { max: 1, onnotice: () => {} });
    const rows = created.flatMap((response, subjectIndex) =>
      Array.from({ length: 8 }, (_, hour) => ({
        subject_id: response.data?.createSubject.id,
        study_id: studyId,
        site_id: siteId,
        recorded_at: new Date(Date.UTC(2026, 0, 1, hour)),
        heart_rate: 60 + hour + (subjectIndex % 5),
        recorded_by: 'test',
      })),
    );
    await sql`select ensure_vital_sign_partitions(${['2026-01-01T00:00:00Z']}::timestamptz[])`;
    await sql`insert into vital_signs ${sql(rows)}`;
    const imports = Array.from({ length: 60 }, (_, index) => ({
      id: crypto.randomUUID(),
      study_id: studyId,
      file_name: `file-${Math.floor(index / 2)}.csv`,
      on_error: 'SKIP',
      dry_run: false,
      options: {},
      actor: 'test',
      status: 'SUCCEEDED',
      sha256: String(Math.floor(index / 2)).padStart(64, '0'),
      byte_count: 100,
      started_at: new Date(Date.UTC(2026, 0, 2, 0, index)),
    }));
    importIds.push(...imports.map((row) => row.id));
    await sql`insert into vitals_imports ${sql(imports)}`;
    await sql.end();
  });

  afterAll(async () => {
    await gateway?.stop();
    await vitals?.stop();
    await database?.close();
    await subjects?.stop();
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  it.each([1, 10, 60])('costs the vitals subgraph the same 3 statements for a page of %i subjects', async (pageSize) => {
    statements.length = 0;
    const response = await graphqlRequest(gateway.url, PAGE_QUERY, { studyId, first: pageSize }, await adminHeaders());
    expect(response.errors).toBeUndefined();
    const nodes = response.data?.subjects.edges.map((edge: any) => edge.node);
    expect(nodes).toHaveLength(pageSize);
    for (const node of nodes) {
      expect(node.vitals.totalCount).toBe(8);
      expect(node.vitals.edges).toHaveLength(5);
      expect(node.latestVitalSign).toEqual(node.vitals.edges[0].node);
      expect(node.latestVitalSign.recordedAt).toBe('2026-01-01T07:00:00.000Z');
    }
    expect(statements).toHaveLength(3);
  });

  it.each([1, 10, 60])(
    'costs the vitals subgraph the same 3 statements for a page of %i import reports with the earlier import of their file',
    async (pageSize) => {
      statements.length = 0;
      const response = await graphqlRequest(
        gateway.url,
        `query($studyId: ID!, $first: Int!) { vitalsImports(studyId: $studyId, first: $first) { edges { node { id sameFileAs { id } } } } }`,
        { studyId, first: pageSize },
        await adminHeaders(),
      );
      expect(response.errors).toBeUndefined();
      const nodes = response.data?.vitalsImports.edges.map((edge: any) => edge.node);
      // Newest first: the even imports (sent again) and the odd ones (first sent) alternate.
      const expected = importIds
        .map((id, index) => ({ id, sameFileAs: index % 2 === 1 ? { id: importIds[index - 1] } : null }))
        .reverse()
        .slice(0, pageSize);
      expect(nodes).toEqual(expected);
      expect(statements).toHaveLength(3);
    },
  );
});
