import {
  adminHeaders,
  createTestDatabase,
  errorCodes,
  graphqlRequest,
  metricValue,
  scrapeMetrics,
  startAppStack,
  type AppProcess,
  type MetricsScrape,
  type TestDatabase,
} from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

async function* text(content: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(content, 'utf8');
}

const LIST_STUDIES = 7;
const FIND_MALFORMED = 3;
const MISTYPED = 2;

/**
 * A known workload through the gateway, then each process's /metrics: every counter must equal
 * what was sent, exactly. The processes are fresh, so nothing else has moved the counters.
 */
describe('GET /metrics after a known workload (gateway, subjects, vitals on real PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let subjects: AppProcess;
  let vitals: AppProcess;
  let gateway: AppProcess;
  let report: Record<string, any> | undefined;
  let scrapes: { gateway: MetricsScrape; subjects: MetricsScrape; vitals: MetricsScrape };

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_msubj'), createTestDatabase('tg_mvit')]);
    ({ subjects, vitals, gateway } = await startAppStack({
      env: { NODE_ENV: 'production' },
      subjects: { SUBJECTS_DATABASE_URL: subjectsDb.url },
      vitals: { VITALS_DATABASE_URL: vitalsDb.url },
    }));
    const admin = await adminHeaders();

    const study = await graphqlRequest(
      gateway.url,
      `mutation CreateStudy { createStudy(input: { code: "MET01", name: "Metrics", sites: [{ code: "S01", name: "North" }] }) { id sites { id } } }`,
      {},
      admin,
    );
    expect(study.errors).toBeUndefined();
    const studyId: string = study.data?.createStudy.id;
    const numbers: string[] = [];
    for (const age of [40, 41]) {
      const created = await graphqlRequest(
        gateway.url,
        `mutation CreateSubject($input: CreateSubjectInput!) { createSubject(input: $input) { subjectNumber } }`,
        { input: { studyId, siteId: study.data?.createStudy.sites[0].id, age, sex: 'FEMALE' } },
        admin,
      );
      expect(created.errors).toBeUndefined();
      numbers.push(created.data?.createSubject.subjectNumber);
    }

    for (let index = 0; index < LIST_STUDIES; index++) {
      const listed = await graphqlRequest(gateway.url, `query ListStudies { studies { code } }`, {}, admin);
      expect(listed.errors).toBeUndefined();
    }
    for (let index = 0; index < FIND_MALFORMED; index++) {
      const refused = await graphqlRequest(gateway.url, `query FindStudy { study(id: "not-an-id") { code } }`, {}, admin);
      expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    }
    for (let index = 0; index < MISTYPED; index++) {
      const refused = await graphqlRequest(gateway.url, `query Mistyped { studies { nope } }`, {}, admin);
      expect(errorCodes(refused)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    }
    const history = await graphqlRequest(
      gateway.url,
      `query ImportHistory($studyId: ID!) { vitalsImports(studyId: $studyId) { edges { node { id } } } }`,
      { studyId },
      admin,
    );
    expect(history.errors).toBeUndefined();

    const [a, b] = numbers as [string, string];
    const csv = [
      'patient_id,record_time,heart_rate',
      `${a},2026-04-01T08:00:00Z,70`,
      `${a},2026-04-01T09:00:00Z,71`,
      `${b},2026-04-01T08:00:00Z,72`,
      `${a},2026-04-01T08:00:00Z,70`,
      `NOPE-S01-9999,2026-04-01T08:00:00Z,70`,
      `${a},2026-04-01T10:00:00Z,abc`,
    ].join('\n');
    const imported = await importVitalsFile({ url: gateway.url, studyId, file: text(csv), token: admin.authorization.replace(/^Bearer /, '') });
    expect(imported.errors).toBeUndefined();
    report = imported.data?.importVitals;

    scrapes = { gateway: await scrapeMetrics(gateway.url), subjects: await scrapeMetrics(subjects.url), vitals: await scrapeMetrics(vitals.url) };
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), vitals?.stop(), subjects?.stop()]);
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  it('serves the Prometheus text format without a token, with process metrics labelled by app', async () => {
    for (const app of [gateway, subjects, vitals]) {
      const response = await fetch(new URL('/metrics', app.url));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    }
    expect(metricValue(scrapes.gateway, 'process_cpu_user_seconds_total', { app: 'gateway' })).toBeGreaterThan(0);
    expect(metricValue(scrapes.subjects, 'nodejs_heap_size_used_bytes', { app: 'subjects' })).toBeGreaterThan(0);
    expect(metricValue(scrapes.vitals, 'process_resident_memory_bytes', { app: 'vitals' })).toBeGreaterThan(0);
  });

  it('counts each operation at the gateway, its errors by code, and times it', () => {
    const requests = (operation: string) => metricValue(scrapes.gateway, 'trialgraph_graphql_requests_total', { operation });
    expect(requests('CreateStudy')).toBe(1);
    expect(requests('CreateSubject')).toBe(2);
    expect(requests('ListStudies')).toBe(LIST_STUDIES);
    expect(requests('FindStudy')).toBe(FIND_MALFORMED);
    expect(requests('Mistyped')).toBe(MISTYPED);
    expect(requests('ImportHistory')).toBe(1);
    // The upload skips query planning but is counted at the gateway all the same.
    expect(requests('ImportVitals')).toBe(1);
    expect(metricValue(scrapes.gateway, 'trialgraph_graphql_requests_total')).toBe(1 + 2 + LIST_STUDIES + FIND_MALFORMED + MISTYPED + 1 + 1);

    expect(metricValue(scrapes.gateway, 'trialgraph_graphql_errors_total', { operation: 'FindStudy', code: 'BAD_USER_INPUT' })).toBe(FIND_MALFORMED);
    expect(metricValue(scrapes.gateway, 'trialgraph_graphql_errors_total', { operation: 'Mistyped', code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(MISTYPED);
    expect(metricValue(scrapes.gateway, 'trialgraph_graphql_errors_total')).toBe(FIND_MALFORMED + MISTYPED);

    expect(metricValue(scrapes.gateway, 'trialgraph_graphql_request_duration_seconds_count', { operation: 'ListStudies' })).toBe(LIST_STUDIES);
    expect(metricValue(scrapes.gateway, 'trialgraph_graphql_request_duration_seconds_bucket', { operation: 'ListStudies', le: '+Inf' })).toBe(LIST_STUDIES);
    expect(metricValue(scrapes.gateway, 'trialgraph_graphql_request_duration_seconds_sum', { operation: 'ListStudies' })).toBeGreaterThan(0);
  });

  it('times every subgraph fetch of the gateway by subgraph, with its outcome', () => {
    const fetches = (labels: Record<string, string>) => metricValue(scrapes.gateway, 'trialgraph_subgraph_fetch_duration_seconds_count', labels);
    // Each of these operations plans one fetch; Mistyped never reaches a subgraph, the upload is streamed past the planner.
    expect(fetches({ subgraph: 'subjects', outcome: 'ok' })).toBe(1 + 2 + LIST_STUDIES);
    expect(fetches({ subgraph: 'subjects', outcome: 'graphql_errors' })).toBe(FIND_MALFORMED);
    expect(fetches({ subgraph: 'vitals', outcome: 'ok' })).toBe(1);
    expect(fetches({ outcome: 'failed' })).toBe(0);
  });

  it('counts at each subgraph the operations the gateway and vitals sent it', () => {
    const subjectsRequests = (operation: string) => metricValue(scrapes.subjects, 'trialgraph_graphql_requests_total', { operation });
    expect(subjectsRequests('ListStudies__subjects__0')).toBe(LIST_STUDIES);
    expect(subjectsRequests('FindStudy__subjects__0')).toBe(FIND_MALFORMED);
    expect(subjectsRequests('VitalsFindStudy')).toBe(1);
    expect(subjectsRequests('VitalsFindSubjectsByNumbers')).toBe(1);
    expect(metricValue(scrapes.subjects, 'trialgraph_graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(FIND_MALFORMED);
    expect(metricValue(scrapes.subjects, 'trialgraph_graphql_errors_total')).toBe(FIND_MALFORMED);

    expect(metricValue(scrapes.vitals, 'trialgraph_graphql_requests_total', { operation: 'ImportVitals' })).toBe(1);
    expect(metricValue(scrapes.vitals, 'trialgraph_graphql_requests_total', { operation: 'ImportHistory__vitals__0' })).toBe(1);
    expect(metricValue(scrapes.vitals, 'trialgraph_graphql_errors_total')).toBe(0);
  });

  it('counts the rows of the import by outcome, as its report shows them, and the import by status', () => {
    expect(report).toMatchObject({ status: 'SUCCEEDED', rowsRead: 6, rowsAccepted: 3, rowsRejected: 2, rowsDuplicate: 1 });
    const rows = (outcome: string) => metricValue(scrapes.vitals, 'trialgraph_import_rows_total', { outcome });
    expect(rows('accepted')).toBe(3);
    expect(rows('rejected')).toBe(2);
    expect(rows('duplicate')).toBe(1);
    expect(metricValue(scrapes.vitals, 'trialgraph_imports_total', { status: 'SUCCEEDED' })).toBe(1);
    expect(metricValue(scrapes.vitals, 'trialgraph_imports_total')).toBe(1);
    expect(metricValue(scrapes.vitals, 'trialgraph_import_duration_seconds_count', { status: 'SUCCEEDED' })).toBe(1);
    expect(metricValue(scrapes.vitals, 'trialgraph_imports_running')).toBe(0);
  });

  it('shows database pool use: the pool size, statements issued, and nothing left in flight once idle', async () => {
    for (const [app, database] of [
      [subjects, 'subjects'],
      [vitals, 'vitals'],
    ] as const) {
      // vitals sweeps for interrupted imports every 10 s: a scrape may land on that statement.
      let scrape = await scrapeMetrics(app.url);
      for (let attempt = 0; attempt < 5 && metricValue(scrape, 'trialgraph_db_statements_in_flight', { database }) > 0; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        scrape = await scrapeMetrics(app.url);
      }
      expect(metricValue(scrape, 'trialgraph_db_pool_max_connections', { database })).toBe(10);
      expect(metricValue(scrape, 'trialgraph_db_statements_total', { database })).toBeGreaterThan(0);
      expect(metricValue(scrape, 'trialgraph_db_statements_in_flight', { database })).toBe(0);
      expect(metricValue(scrape, 'trialgraph_db_transactions_open', { database })).toBe(0);
    }
  });

  it('counts a request refused for want of a token under its code', async () => {
    const before = metricValue(await scrapeMetrics(gateway.url), 'trialgraph_graphql_errors_total', { code: 'UNAUTHENTICATED' });
    const refused = await graphqlRequest(gateway.url, `query ListStudies { studies { code } }`);
    expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);
    const after = metricValue(await scrapeMetrics(gateway.url), 'trialgraph_graphql_errors_total', { code: 'UNAUTHENTICATED' });
    expect(after - before).toBe(1);
  });
});
