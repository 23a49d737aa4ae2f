import { randomBytes } from 'node:crypto';
import {
  adminHeaders,
  createTestDatabase,
  errorCodes,
  graphqlRequest,
  metricValue,
  scrapeMetrics,
  startApp,
  startRedisServer,
  type AppProcess,
  type RedisServer,
  type TestDatabase,
} from '@trialgraph/testing';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapConcurrently, startRoundRobinProxy, type RoundRobinProxy } from './support/round-robin-proxy.js';

const CREATE_STUDY = `mutation($input: CreateStudyInput!) { createStudy(input: $input) { id sites { id } } }`;
const CREATE_SUBJECT = `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id subjectNumber } }`;
const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The numeric part of CODE-SITE-0042. */
const sequenceOf = (subjectNumber: string) => Number(subjectNumber.split('-').at(-1));
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('subject numbers across instances (Redlock; real processes, PostgreSQL and Redis)', () => {
  // Unique per run, so this file can run beside others and twice in a row on one Redis.
  const keyPrefix = `tg-test:numbering:${randomBytes(4).toString('hex')}:`;
  let database: TestDatabase;
  let sql: postgres.Sql;
  let redis: Redis;
  let proxy: RoundRobinProxy;
  let gateway: AppProcess;
  const instances: AppProcess[] = [];
  let privateRedis: RedisServer | undefined;
  let headers: Record<string, string>;

  const startSubjects = async (env: Record<string, string>) => {
    const instance = await startApp('subjects', { SUBJECTS_DATABASE_URL: database.url, REDIS_KEY_PREFIX: keyPrefix, NODE_ENV: 'test', ...env });
    instances.push(instance);
    return instance;
  };
  const newStudy = async (code: string) => {
    const created = await graphqlRequest(
      gateway.url,
      CREATE_STUDY,
      {
        input: {
          code,
          name: `Numbering ${code}`,
          sites: [
            { code: 'S01', name: 'North' },
            { code: 'S02', name: 'South' },
          ],
        },
      },
      headers,
    );
    expect(created.errors).toBeUndefined();
    return created.data?.createStudy as { id: string; sites: Array<{ id: string }> };
  };
  const createSubject = (study: { id: string; sites: Array<{ id: string }> }, index: number) =>
    graphqlRequest(
      gateway.url,
      CREATE_SUBJECT,
      { input: { studyId: study.id, siteId: study.sites[index % 2]!.id, age: 20 + (index % 60), sex: 'FEMALE' } },
      headers,
    );
  const storedSequences = async (studyId: string) =>
    (await sql`select sequence from subjects where study_id = ${studyId} order by sequence`).map((row) => Number(row.sequence));
  const lockKeys = () => redis.keys(`${keyPrefix}*`);

  beforeAll(async () => {
    headers = await adminHeaders();
    database = await createTestDatabase('tg_numbering');
    sql = postgres(database.url, { max: 2, onnotice: () => {} });
    redis = new Redis(SHARED_REDIS_URL);
    const [a, b] = await Promise.all([startSubjects({ REDIS_URL: SHARED_REDIS_URL }), startSubjects({ REDIS_URL: SHARED_REDIS_URL })]);
    proxy = await startRoundRobinProxy([`${a.url}graphql`, `${b.url}graphql`]);
    gateway = await startApp('gateway', { SUBJECTS_URL: `${proxy.url}graphql`, VITALS_URL: 'http://127.0.0.1:9/graphql' });
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), ...instances.map((instance) => instance.stop())]);
    await proxy?.close();
    await privateRedis?.kill();
    const left = redis ? await lockKeys() : [];
    if (left.length > 0) await redis.del(...left);
    redis?.disconnect();
    await sql?.end();
    await database?.drop();
  });

  it('hands out 1..1000 with no gap and no duplicate to 1,000 concurrent createSubject calls spread over two instances', async () => {
    const [a, b] = instances as [AppProcess, AppProcess];
    expect(a.output()).toContain('subject numbering lock: safe across instances');
    const study = await newStudy('NUM01');
    proxy.setTargets([`${a.url}graphql`, `${b.url}graphql`]);

    const started = Date.now();
    const responses = await mapConcurrently(
      Array.from({ length: 1000 }, (_, index) => index),
      50,
      (index) => createSubject(study, index),
    );
    const elapsed = Date.now() - started;

    const failures = responses.filter((response) => response.errors);
    expect(failures.map((response) => response.errors?.[0]?.message)).toEqual([]);
    const numbers = responses.map((response) => response.data?.createSubject.subjectNumber as string);
    expect(new Set(numbers).size).toBe(1000);
    expect(numbers.map(sequenceOf).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, index) => index + 1));
    expect(await storedSequences(study.id)).toEqual(Array.from({ length: 1000 }, (_, index) => index + 1));
    // Both instances allocated, through the gateway: the lock, not luck, kept them apart.
    const perInstance = [...proxy.counts.values()];
    expect(perInstance).toHaveLength(2);
    for (const calls of perInstance) expect(calls).toBeGreaterThanOrEqual(450);
    // Every lock was released, none left behind to expire.
    expect(await lockKeys()).toEqual([]);
    // /metrics of both instances account for exactly this workload: one lock wait per creation.
    const scrapes = await Promise.all([scrapeMetrics(a.url), scrapeMetrics(b.url)]);
    const total = (name: string, labels: Record<string, string>) => scrapes.reduce((sum, scrape) => sum + metricValue(scrape, name, labels), 0);
    expect(total('trialgraph_lock_wait_seconds_count', { lock: 'subject-number' })).toBe(1000);
    expect(total('trialgraph_lock_failures_total', { reason: 'unavailable' })).toBe(0);
    const retries = count(a.output() + b.output(), 'subject sequence taken by another instance; retrying');
    console.info(`1,000 createSubject over two instances: ${elapsed} ms; per instance ${perInstance.join(' / ')}; ${retries} retries`);
  }, 60_000);

  it('still gives no duplicate when every allocation outlives its lock (TTL 5 ms, allocation 40 ms)', async () => {
    const slow = { REDIS_URL: SHARED_REDIS_URL, SUBJECT_LOCK_TTL_MS: '5', TEST_ONLY_ALLOCATION_DELAY_MS: '40' };
    const [c, d] = await Promise.all([startSubjects(slow), startSubjects(slow)]);
    const study = await newStudy('NUM02');
    proxy.setTargets([`${c.url}graphql`, `${d.url}graphql`]);

    const responses = await mapConcurrently(
      Array.from({ length: 200 }, (_, index) => index),
      20,
      (index) => createSubject(study, index),
    );

    const numbers = responses.filter((response) => !response.errors).map((response) => response.data?.createSubject.subjectNumber as string);
    expect(new Set(numbers).size).toBe(numbers.length);
    const stored = await storedSequences(study.id);
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored).toEqual(Array.from({ length: stored.length }, (_, index) => index + 1));
    // The retry on a taken sequence gives each caller a subject all the same.
    expect(responses.filter((response) => response.errors).map((response) => response.errors?.[0]?.message)).toEqual([]);
    expect(stored).toHaveLength(200);
    // Proof that the test exercised the failure: locks expired, and the constraint caught clashes.
    const logs = c.output() + d.output();
    expect(count(logs, 'lock expired before the allocation finished')).toBeGreaterThan(0);
    expect(count(logs, 'subject sequence taken by another instance; retrying')).toBeGreaterThan(0);
    const expired = (await Promise.all([scrapeMetrics(c.url), scrapeMetrics(d.url)])).reduce(
      (sum, scrape) => sum + metricValue(scrape, 'trialgraph_lock_failures_total', { reason: 'expired' }),
      0,
    );
    expect(expired).toBe(count(logs, 'lock expired before the allocation finished'));
    await Promise.all([c.stop(), d.stop()]);
  }, 60_000);

  it('refuses createSubject fast with SERVICE_UNAVAILABLE while Redis is down, keeps reads working, and recovers without a restart', async () => {
    privateRedis = await startRedisServer();
    const instance = await startSubjects({ REDIS_URL: privateRedis.url });
    proxy.setTargets([`${instance.url}graphql`]);
    const study = await newStudy('NUM03');
    expect((await createSubject(study, 0)).data?.createSubject.subjectNumber).toBe('NUM03-S01-0001');
    expect((await fetch(new URL('/readyz', instance.url))).status).toBe(200);

    await privateRedis.kill();
    const started = Date.now();
    const refused = await createSubject(study, 1);
    const tookMs = Date.now() - started;
    expect(errorCodes(refused)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(refused.errors?.[0]?.message).toBe('The subject numbering lock (Redis) is unreachable, so no subject was created; retry in a moment.');
    expect(tookMs).toBeLessThan(2_000);
    expect(await storedSequences(study.id)).toEqual([1]);

    const read = await graphqlRequest(gateway.url, `query($s: ID!) { subjects(studyId: $s) { totalCount } }`, { s: study.id }, headers);
    expect(read.data).toEqual({ subjects: { totalCount: 1 } });
    const readiness = await fetch(new URL('/readyz', instance.url));
    expect(readiness.status).toBe(503);
    expect(((await readiness.json()) as { reason: string }).reason).toMatch(/redis/i);
    expect(instance.process.exitCode).toBeNull();

    await privateRedis.restart();
    const deadline = Date.now() + 10_000;
    let recovered = await createSubject(study, 2);
    while (recovered.errors && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      recovered = await createSubject(study, 2);
    }
    expect(recovered.errors).toBeUndefined();
    // The refused call took no number: the sequence goes on from 1.
    expect(recovered.data?.createSubject.subjectNumber).toBe('NUM03-S01-0002');
    expect((await fetch(new URL('/readyz', instance.url))).status).toBe(200);
    expect(instance.output()).toContain('redis reachable again');
  }, 60_000);

  it('closes its Redis connections and exits 0 on SIGTERM', async () => {
    const instance = await startSubjects({ REDIS_URL: SHARED_REDIS_URL });
    const name = `trialgraph-subjects-${instance.process.pid}`;
    const connections = async () => ((await redis.client('LIST')) as string).split('\n').filter((line) => line.includes(`name=${name} `)).length;
    expect(await connections()).toBe(1);
    expect(await instance.stop('SIGTERM')).toBe(0);
    expect(await connections()).toBe(0);
    expect(instance.output()).not.toContain('shutdown failed');
  }, 30_000);
});
