import { spawnSync } from 'node:child_process';
import {
  adminHeaders,
  appEntry,
  authHeaders,
  createTestDatabase,
  errorCodes,
  graphqlRequest,
  metricValue,
  scrapeMetrics,
  startApp,
  startRedisServer,
  testToken,
  waitFor,
  type AppProcess,
  type RedisServer,
  type TestDatabase,
} from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const WINDOW_MS = 4_000;
const READS = 5;
const MUTATIONS = 3;
/** A partner's own, lower read budget (RATE_LIMIT_READS_PARTNER). */
const PARTNER_READS = 2;
const READ = `{ studies { code } }`;

/** An HTTP call that keeps the status and the Retry-After header, which GraphQL clients usually hide. */
async function call(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), ...body };
}

async function* fileOf(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text);
}

describe('rate limits per caller at the gateway, shared across instances through Redis (real processes, Redis, PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let redis: RedisServer;
  let subjects: AppProcess;
  let vitals: AppProcess;
  let first: AppProcess;
  let second: AppProcess;
  let studyId: string;
  let siteId: string;
  let subjectNumber: string;

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_rate_s'), createTestDatabase('tg_rate_v')]);
    redis = await startRedisServer();
    subjects = await startApp('subjects', { SUBJECTS_DATABASE_URL: subjectsDb.url, LOG_LEVEL: 'warn' });
    vitals = await startApp('vitals', { VITALS_DATABASE_URL: vitalsDb.url, SUBJECTS_URL: `${subjects.url}graphql`, LOG_LEVEL: 'warn' });
    const env = {
      SUBJECTS_URL: `${subjects.url}graphql`,
      VITALS_URL: `${vitals.url}graphql`,
      REDIS_URL: redis.url,
      RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
      RATE_LIMIT_READS: String(READS),
      RATE_LIMIT_MUTATIONS: String(MUTATIONS),
      RATE_LIMIT_READS_PARTNER: String(PARTNER_READS),
      RATE_LIMIT_CONCURRENT_IMPORTS: '1',
      // Generous on a loaded machine: a check that gives up lets the request through unchecked.
      RATE_LIMIT_REDIS_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'warn',
    };
    [first, second] = await Promise.all([startApp('gateway', env), startApp('gateway', env)]);
    const admin = await adminHeaders();
    const study = await graphqlRequest(
      first.url,
      `mutation { createStudy(input: { code: "RATE", name: "Rates", sites: [{ code: "S01", name: "North" }] }) { id sites { id } } }`,
      {},
      admin,
    );
    studyId = study.data?.createStudy.id;
    siteId = study.data?.createStudy.sites[0].id;
    const subject = await graphqlRequest(
      first.url,
      `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { subjectNumber } }`,
      { input: { studyId, siteId, age: 40, sex: 'MALE' } },
      admin,
    );
    subjectNumber = subject.data?.createSubject.subjectNumber;
  });

  afterAll(async () => {
    redis?.resume();
    await Promise.all([first?.stop(), second?.stop(), vitals?.stop(), subjects?.stop()]);
    await redis?.kill();
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  const monitor = (subject: string) => authHeaders({ subject, roles: ['MONITOR'], studies: [studyId] });

  it('answers a caller over its read budget with 429, Retry-After and RATE_LIMITED, and serves it again after the window', async () => {
    const headers = await monitor('monitor-over');
    for (let index = 0; index < READS; index++) expect((await call(first.url, READ, {}, headers)).errors).toBeUndefined();
    const refused = await call(first.url, READ, {}, headers);
    expect(refused.status).toBe(429);
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(refused.errors?.[0]?.message).toContain('RATE_LIMIT_READS');
    const retryAfter = Number(refused.retryAfter);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
    expect(refused.errors?.[0]?.extensions?.retryAfterSeconds).toBe(retryAfter);

    // Another caller, and another role, is not affected meanwhile.
    expect((await call(first.url, READ, {}, await monitor('monitor-bystander'))).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 200));
    const again = await call(first.url, READ, {}, headers);
    expect(again.status).toBe(200);
    expect(again.errors).toBeUndefined();
  });

  it('counts mutations in a budget of their own and executes nothing over it', async () => {
    const coordinator = await authHeaders({ subject: 'coordinator-busy', roles: ['COORDINATOR'], studies: [studyId], sites: [siteId] });
    const create = `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id } }`;
    const input = { studyId, siteId, age: 30, sex: 'FEMALE' };
    const count = async () =>
      (await graphqlRequest(first.url, `query($id: ID!) { subjects(studyId: $id) { totalCount } }`, { id: studyId }, await adminHeaders())).data?.subjects
        .totalCount as number;
    const before = await count();
    for (let index = 0; index < MUTATIONS; index++) expect((await call(first.url, create, { input }, coordinator)).errors).toBeUndefined();
    const refused = await call(second.url, create, { input }, coordinator);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.message).toContain('RATE_LIMIT_MUTATIONS');
    expect(await count()).toBe(before + MUTATIONS);
    // Reads are a separate budget.
    expect((await call(first.url, READ, {}, coordinator)).status).toBe(200);
  });

  it('shares one budget between two gateway instances', async () => {
    const headers = await monitor('monitor-two-doors');
    for (let index = 0; index < READS; index++) {
      const gateway = index % 2 === 0 ? first : second;
      expect((await call(gateway.url, READ, {}, headers)).status).toBe(200);
    }
    expect((await call(first.url, READ, {}, headers)).status).toBe(429);
    expect((await call(second.url, READ, {}, headers)).status).toBe(429);
  });

  it('lets a partner run one upload at a time and refuses a second at once with 429, without reading it', async () => {
    const token = await testToken({ subject: 'partner-hasty', roles: ['PARTNER'], studies: [studyId] });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    async function* slowFile() {
      yield Buffer.from(`patient_id,record_time,heart_rate\n${subjectNumber},2026-01-01T00:00:00Z,70\n`);
      await released;
      yield Buffer.from(`${subjectNumber},2026-01-01T00:01:00Z,71\n`);
    }
    const running = importVitalsFile({ url: first.url, studyId, file: slowFile(), token });
    // The first upload holds the caller's slot once vitals is importing it.
    const admin = await adminHeaders();
    await waitFor('the first upload to be importing', async () => {
      const imports = await graphqlRequest(first.url, `query($id: ID!) { vitalsImports(studyId: $id) { edges { node { status } } } }`, { id: studyId }, admin);
      return (imports.data?.vitalsImports?.edges as Array<{ node: { status: string } }> | undefined)?.some((edge) => edge.node.status === 'RUNNING');
    });
    const refused = await importVitalsFile({ url: second.url, studyId, file: fileOf('patient_id,record_time,heart_rate\n'), token });
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(refused.errors?.[0]?.message).toContain('RATE_LIMIT_CONCURRENT_IMPORTS');
    release();
    const ran = await running;
    expect(ran, JSON.stringify(ran)).toMatchObject({ status: 200, data: { importVitals: { status: 'SUCCEEDED', rowsAccepted: 2 } } });
    const next = await importVitalsFile({
      url: second.url,
      studyId,
      file: fileOf(`patient_id,record_time,heart_rate\n${subjectNumber},2026-01-01T00:02:00Z,72\n`),
      token,
    });
    expect(next, JSON.stringify(next)).toMatchObject({ status: 200, data: { importVitals: { status: 'SUCCEEDED', rowsAccepted: 1 } } });
  });

  it('gives each role its own budget: a partner is refused at its lower one while a coordinator is not', async () => {
    const partner = await authHeaders({ subject: 'partner-polling', roles: ['PARTNER'], studies: [studyId] });
    const coordinator = await authHeaders({ subject: 'coordinator-reading', roles: ['COORDINATOR'], studies: [studyId], sites: [siteId] });
    // Both roles: the larger budget of the two, the coordinator's.
    const both = await authHeaders({ subject: 'coordinator-and-partner', roles: ['COORDINATOR', 'PARTNER'], studies: [studyId], sites: [siteId] });
    for (let index = 0; index < PARTNER_READS; index++) {
      expect((await call(first.url, READ, {}, partner)).status).toBe(200);
      expect((await call(second.url, READ, {}, coordinator)).status).toBe(200);
      expect((await call(first.url, READ, {}, both)).status).toBe(200);
    }
    const refused = await call(second.url, READ, {}, partner);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.message).toContain(`RATE_LIMIT_READS_PARTNER (${PARTNER_READS} per ${WINDOW_MS} ms)`);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'RATE_LIMIT_READS_PARTNER' });
    expect((await call(first.url, READ, {}, coordinator)).status).toBe(200);
    expect((await call(first.url, READ, {}, both)).status).toBe(200);
  });

  it('refuses to start with a budget for a role that does not exist, naming the variable', () => {
    const started = spawnSync(process.execPath, [appEntry('gateway')], {
      env: { PATH: process.env.PATH ?? '', JWT_SECRET: 'x'.repeat(40), RATE_LIMIT_READS_PARTNERS: '10', RATE_LIMIT_MUTATIONS_MONITOR: 'many' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(started.status).toBe(1);
    expect(started.stderr).toContain("RATE_LIMIT_READS_PARTNERS: not a role's budget; the roles are ADMIN, INVESTIGATOR, COORDINATOR, MONITOR, PARTNER");
    expect(started.stderr).toContain('RATE_LIMIT_MUTATIONS_MONITOR: must be a number');
    expect(started.stderr).not.toContain('many');
  });

  it('counts refusals by role in /metrics', async () => {
    const scrapes = await Promise.all([scrapeMetrics(first.url), scrapeMetrics(second.url)]);
    const refusals = (labels: Record<string, string>) =>
      scrapes.reduce((sum, scrape) => sum + metricValue(scrape, 'trialgraph_rate_limit_refusals_total', labels), 0);
    expect(refusals({ role: 'MONITOR', budget: 'read' })).toBeGreaterThanOrEqual(3);
    expect(refusals({ role: 'COORDINATOR', budget: 'mutation' })).toBe(1);
    expect(refusals({ role: 'PARTNER', budget: 'read' })).toBe(1);
    expect(refusals({ role: 'COORDINATOR', budget: 'read' })).toBe(0);
    expect(refusals({ role: 'PARTNER', budget: 'import' })).toBeGreaterThanOrEqual(1);
  });

  it('lets traffic through, with a warning and a metric, while Redis is down, and limits again once it is back', async () => {
    await redis.kill();
    const headers = await monitor('monitor-redis-down');
    for (let index = 0; index < READS * 2; index++) {
      const response = await call(first.url, READ, {}, headers);
      expect(response.status).toBe(200);
      expect(errorCodes({ status: response.status, errors: response.errors })).toEqual([]);
    }
    expect(metricValue(await scrapeMetrics(first.url), 'trialgraph_rate_limit_unavailable_total', { budget: 'read' })).toBeGreaterThan(0);
    expect(first.output()).toContain('rate limiter unavailable');

    await redis.restart();
    const limitedAgain = await monitor('monitor-after-redis');
    await waitFor(
      'limits to apply again once Redis is back',
      async () => {
        for (let index = 0; index <= READS; index++) {
          if ((await call(first.url, READ, {}, limitedAgain)).status === 429) return true;
        }
        return false;
      },
      30_000,
    );
  });
});
