import {
  adminHeaders,
  callRepeatedly,
  createPostgresCluster,
  graphqlUrl,
  startApp,
  startRedisServer,
  stopAll,
  timedGraphqlRequest,
  waitFor,
  type AppProcess,
  type PostgresCluster,
  type RedisServer,
  type TimedGraphqlOutcome,
} from '@trialgraph/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOutcomes, expectRefusedNaming, RECOVERY_MS, SCHEDULING_SLACK_MS, secondsSince, summarizeOutcome } from './support/fault-expectations.js';

/** Set on both instances: a lock lives 1 s, and a creation waits at most 2 s for it before SERVICE_UNAVAILABLE. */
const LOCK_TTL_MS = 1_000;
const LOCK_WAIT_MS = 2_000;
/** Redis stays killed, or paused, this long: three lock lifetimes. */
const OUTAGE_MS = 3 * LOCK_TTL_MS;

const CREATE_STUDY = `mutation($input: CreateStudyInput!) { createStudy(input: $input) { id sites { id } } }`;
const CREATE_SUBJECT = `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id subjectNumber } }`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Redis killed, restarted and paused under concurrent createSubject on two instances (private PostgreSQL and Redis)', () => {
  let cluster: PostgresCluster;
  let redis: RedisServer;
  const instances: AppProcess[] = [];
  let subjectsSql: postgres.Sql;
  let headers: Record<string, string>;

  beforeAll(async () => {
    [cluster, redis] = await Promise.all([createPostgresCluster(), startRedisServer()]);
    const databaseUrl = await cluster.createDatabase('trialgraph_subjects');
    const env = {
      SUBJECTS_DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      SUBJECT_LOCK_TTL_MS: String(LOCK_TTL_MS),
      SUBJECT_LOCK_WAIT_MS: String(LOCK_WAIT_MS),
      LOG_LEVEL: 'warn',
    };
    // One after the other: the first applies the migrations.
    instances.push(await startApp('subjects', env));
    instances.push(await startApp('subjects', env));
    subjectsSql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    headers = await adminHeaders();
  });

  afterAll(async () => {
    await subjectsSql?.end();
    await stopAll(...instances);
    await redis?.kill();
    await cluster?.drop();
  });

  const newStudy = async (code: string) => {
    const outcome = await timedGraphqlRequest(graphqlUrl(instances[0]!), {
      query: CREATE_STUDY,
      variables: { input: { code, name: `Redis fault ${code}`, sites: [{ code: 'S01', name: 'North' }] } },
      headers,
      timeoutMs: 10_000,
    });
    expect(outcome.response?.errors).toBeUndefined();
    return outcome.response?.data?.createStudy as { id: string; sites: Array<{ id: string }> };
  };
  const created = (outcome: TimedGraphqlOutcome) => !outcome.failure && !outcome.response?.errors && Boolean(outcome.response?.data?.createSubject);

  /**
   * Creates subjects on both instances in turn, runs `fault` once 20 are created, then waits
   * until each instance has created 10 more after the fault ended, and checks what users saw.
   */
  async function createThrough(code: string, fault: () => Promise<void>): Promise<void> {
    const study = await newStudy(code);
    const pids = instances.map((instance) => instance.process.pid);
    const input = { studyId: study.id, siteId: study.sites[0]!.id, age: 50, sex: 'FEMALE' };
    const origin = Date.now();
    const instanceOf = new Map<TimedGraphqlOutcome, number>();
    const stream = callRepeatedly({
      workers: 8,
      call: async (index) => {
        const outcome = await timedGraphqlRequest(graphqlUrl(instances[index % 2]!), {
          query: CREATE_SUBJECT,
          variables: { input },
          headers,
          timeoutMs: 30_000,
        });
        instanceOf.set(outcome, index % 2);
        return outcome;
      },
    });
    const createdAfter = (instance: number, after: number) =>
      stream.results.filter((outcome) => outcome.startedAt > after && instanceOf.get(outcome) === instance && created(outcome));
    // However this ends, the stream stops: a stream left running would hammer the next test.
    const { faultAt, backAt } = await (async () => {
      await waitFor('createSubject to run on both instances', async () => stream.results.filter(created).length >= 20);
      const faultAt = Date.now();
      await fault();
      const backAt = Date.now();
      await waitFor(
        'both instances to create again',
        async () => createdAfter(0, backAt).length >= 10 && createdAfter(1, backAt).length >= 10,
        RECOVERY_MS * 2,
      ).catch(() => {});
      return { faultAt, backAt };
    })().finally(() => stream.stop());
    const outcomes = await stream.stop();
    const refused = outcomes.filter((outcome) => !created(outcome));
    const context = `fault at ${secondsSince(origin, faultAt)}, over at ${secondsSince(origin, backAt)}\n${describeOutcomes(refused, origin)}`;

    // No creation waited past the configured lock wait, and every refusal names Redis.
    const bound = LOCK_WAIT_MS + SCHEDULING_SLACK_MS;
    const late = outcomes.filter((outcome) => outcome.failure || outcome.ms > bound);
    expect(
      late.map((outcome) => summarizeOutcome(outcome, origin)),
      context,
    ).toEqual([]);
    for (const outcome of refused) expectRefusedNaming(outcome, /redis/i, bound);
    expect(refused.length, 'the fault was felt').toBeGreaterThan(0);

    // Numbering recovered on both instances, without a restart, within seconds.
    for (const instance of [0, 1]) {
      const first = createdAfter(instance, backAt).sort((a, b) => a.startedAt + a.ms - (b.startedAt + b.ms))[0];
      expect(first, `instance ${instance} created again\n${context}`).toBeDefined();
      expect(first!.startedAt + first!.ms - backAt).toBeLessThanOrEqual(RECOVERY_MS);
    }
    expect(instances.map((instance) => instance.process.exitCode ?? instance.process.signalCode)).toEqual([null, null]);
    expect(instances.map((instance) => instance.process.pid)).toEqual(pids);

    // Each acknowledged subject has its own number, is stored under it, and a refusal stored nothing.
    const acknowledged = outcomes.filter(created).map((outcome) => outcome.response?.data?.createSubject as { id: string; subjectNumber: string });
    expect(new Set(acknowledged.map((subject) => subject.subjectNumber)).size).toBe(acknowledged.length);
    const stored = await subjectsSql<Array<{ id: string; subject_number: string; sequence: number }>>`
      select id, subject_number, sequence from subjects where study_id = ${study.id} order by sequence`;
    const storedNumber = new Map(stored.map((row) => [row.id, row.subject_number]));
    expect(acknowledged.filter((subject) => storedNumber.get(subject.id) !== subject.subjectNumber)).toEqual([]);
    expect(stored.length).toBe(acknowledged.length);
    expect(stored.map((row) => row.sequence)).toEqual(stored.map((_, index) => index + 1));
  }

  it('refuses with SERVICE_UNAVAILABLE naming Redis while it is killed, never hands out a number twice, and numbers again once it restarts', async () => {
    await createThrough('RDK01', async () => {
      await redis.kill();
      await sleep(OUTAGE_MS);
      await redis.restart();
    });
  }, 90_000);

  it('refuses with SERVICE_UNAVAILABLE naming Redis while it hangs (SIGSTOP) past the lock TTL, never hands out a number twice, and numbers again once it resumes', async () => {
    await createThrough('RDP01', async () => {
      redis.pause();
      try {
        await sleep(OUTAGE_MS);
      } finally {
        redis.resume();
      }
    });
  }, 90_000);
});
