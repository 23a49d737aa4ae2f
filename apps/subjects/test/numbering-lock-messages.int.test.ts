import {
  adminHeaders,
  createTestDatabase,
  graphqlRequest,
  startApp,
  startRedisServer,
  type AppProcess,
  type RedisServer,
  type TestDatabase,
} from '@trialgraph/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CREATE_SUBJECT = `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id subjectNumber } }`;
const KEY_PREFIX = 'tg-test:lock-messages:';
/** Longer than a paused Redis takes to be noticed: one acquire and its clean-up, each a 1 s command timeout. */
const LOCK_WAIT_MS = 4_000;

/**
 * A createSubject refused for want of the numbering lock must say why, so an operator looks in
 * the right place: a Redis that does not answer is a dependency failure (SERVICE_UNAVAILABLE,
 * dependency "redis"), a lock another instance holds is contention with its own message.
 */
describe('createSubject refusals that name the right cause (private Redis, real process and PostgreSQL)', () => {
  let database: TestDatabase;
  let redisServer: RedisServer;
  let redis: Redis;
  let subjects: AppProcess;
  let headers: Record<string, string>;
  let study: { id: string; siteId: string };

  beforeAll(async () => {
    [database, redisServer] = await Promise.all([createTestDatabase('tg_lock_messages'), startRedisServer()]);
    redis = new Redis(redisServer.url);
    subjects = await startApp('subjects', {
      SUBJECTS_DATABASE_URL: database.url,
      REDIS_URL: redisServer.url,
      REDIS_KEY_PREFIX: KEY_PREFIX,
      SUBJECT_LOCK_WAIT_MS: String(LOCK_WAIT_MS),
      LOG_LEVEL: 'warn',
    });
    headers = await adminHeaders();
    const created = await graphqlRequest(
      subjects.url,
      `mutation { createStudy(input: { code: "LOCK01", name: "Locks", sites: [{ code: "S01", name: "North" }] }) { id sites { id } } }`,
      {},
      headers,
    );
    expect(created.errors).toBeUndefined();
    study = { id: created.data?.createStudy.id, siteId: created.data?.createStudy.sites[0].id };
  });

  afterAll(async () => {
    redisServer?.resume();
    redis?.disconnect();
    await subjects?.stop();
    await redisServer?.kill();
    await database?.drop();
  });

  const createSubject = () =>
    graphqlRequest(subjects.url, CREATE_SUBJECT, { input: { studyId: study.id, siteId: study.siteId, age: 40, sex: 'FEMALE' } }, headers);

  it('says Redis is not answering when Redis is paused past the lock TTL, and numbers again once it resumes', async () => {
    expect((await createSubject()).errors).toBeUndefined();
    redisServer.pause();
    try {
      const started = Date.now();
      const refused = await createSubject();
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', dependency: 'redis' });
      expect(refused.errors?.[0]?.message).toMatch(/^Redis, which holds the subject numbering lock, is not answering/);
      expect(refused.errors?.[0]?.message).not.toMatch(/Another instance/);
      // Refused when Redis did not answer one command, not after the whole wait for a busy lock.
      expect(Date.now() - started).toBeLessThan(LOCK_WAIT_MS);
    } finally {
      redisServer.resume();
    }
    const again = await createSubject();
    expect(again.errors).toBeUndefined();
    expect(again.data?.createSubject.subjectNumber).toBe('LOCK01-S01-0002');
  });

  it('keeps its own message when another instance holds the lock for longer than SUBJECT_LOCK_WAIT_MS', async () => {
    // What another instance's Redlock holds: the study's key with a value of its own.
    await redis.set(`${KEY_PREFIX}lock:subject-number:${study.id}`, 'another-instance', 'PX', LOCK_WAIT_MS * 3);
    const refused = await createSubject();
    expect(refused.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(refused.errors?.[0]?.extensions?.dependency).toBeUndefined();
    expect(refused.errors?.[0]?.message).toBe(
      `Another instance held the numbering lock of this study for over ${LOCK_WAIT_MS} ms, so no subject was created; retry in a moment.`,
    );
    await redis.del(`${KEY_PREFIX}lock:subject-number:${study.id}`);
    expect((await createSubject()).errors).toBeUndefined();
  });
});
