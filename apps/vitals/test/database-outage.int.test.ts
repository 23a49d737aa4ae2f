import { generateVitalsCsv } from '@trialgraph/csv/fixtures';
import { adminHeaders, createPostgresCluster, startApp, waitFor, type AppProcess, type GraphqlResponse, type PostgresCluster } from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolStudy, type EnrolledStudy } from './support/vitals-stack.js';

/** The outage: requests hung 6–19 s from a few seconds into it. */
const OUTAGE_MS = 20_000;
/** Each restart: crash (stop -m immediate), start again 2 s later. The issue saw vitals die 5 times in 5. */
const RESTART_TRIALS = 3;
const DOWN_BETWEEN_CRASH_AND_START_MS = 2_000;
const FAIL_FAST_MS = 2_000;
const PROBE_EVERY_MS = 250;

interface Probe {
  what: string;
  ms: number;
  /** HTTP status, or the client's own timeout. */
  status: number | 'no answer';
  code?: string | undefined;
  dependency?: unknown;
  message?: string | undefined;
}

/**
 * Subjects and vitals on a PostgreSQL server of the test's own, which the test crashes: while it
 * is down every request must fail fast with SERVICE_UNAVAILABLE naming the database and /readyz
 * must keep answering; when it is back both serve again without a restart; and a crash under a
 * running import must not take vitals down (postgres.js 3.4.9 threw from a timer there).
 */
describe('subjects and vitals through PostgreSQL outages (private PostgreSQL server, real processes)', () => {
  let cluster: PostgresCluster;
  let subjects: AppProcess;
  let vitals: AppProcess;
  let vitalsSql: postgres.Sql;
  let study: EnrolledStudy;
  let headers: Record<string, string>;
  let token: string;

  beforeAll(async () => {
    cluster = await createPostgresCluster();
    const [subjectsUrl, vitalsUrl] = await Promise.all([cluster.createDatabase('outage_subjects'), cluster.createDatabase('outage_vitals')]);
    subjects = await startApp('subjects', { SUBJECTS_DATABASE_URL: subjectsUrl, LOG_LEVEL: 'warn' });
    vitals = await startApp('vitals', { VITALS_DATABASE_URL: vitalsUrl, SUBJECTS_URL: `${subjects.url}graphql`, LOG_LEVEL: 'warn' });
    vitalsSql = postgres(vitalsUrl, { max: 1, onnotice: () => {}, connect_timeout: 2, backoff: () => 0.1 });
    headers = await adminHeaders();
    token = headers.authorization!.replace(/^Bearer /, '');
    study = await enrolStudy(subjects.url, { code: 'DOWN01', subjects: 10 });
  });

  afterAll(async () => {
    await vitalsSql?.end({ timeout: 1 });
    await Promise.all([vitals?.stop('SIGKILL'), subjects?.stop('SIGKILL')]);
    await cluster?.drop();
  });

  /** One request with a generous client timeout, so a hang shows as a long time, not an exception. */
  async function probe(what: string, send: (signal: AbortSignal) => Promise<Response>): Promise<Probe> {
    const started = performance.now();
    try {
      const response = await send(AbortSignal.timeout(25_000));
      const body = (await response.json()) as GraphqlResponse & { status?: string };
      const error = body.errors?.[0];
      return {
        what,
        ms: performance.now() - started,
        status: response.status,
        code: error?.extensions?.code,
        dependency: error?.extensions?.dependency,
        message: error?.message,
      };
    } catch {
      return { what, ms: performance.now() - started, status: 'no answer' };
    }
  }

  const post = (url: string, query: string, variables: Record<string, unknown>) => (signal: AbortSignal) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }), signal });
  const readyz = (app: AppProcess) => (signal: AbortSignal) => fetch(new URL('/readyz', app.url), { signal });

  const subjectsRead = () => probe('subjects read', post(subjects.url, '{ studies { id code } }', {}));
  const subjectsCreate = () =>
    probe(
      'createSubject',
      post(subjects.url, 'mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id } }', {
        input: { studyId: study.studyId, siteId: study.siteId, age: 50, sex: 'MALE' },
      }),
    );
  const vitalsRead = () =>
    probe(
      'vitals read',
      post(vitals.url, 'query($studyId: ID!) { vitalsImports(studyId: $studyId) { edges { node { id status } } } }', { studyId: study.studyId }),
    );

  const bothServe = async () => {
    const [fromSubjects, fromVitals] = await Promise.all([subjectsRead(), vitalsRead()]);
    return fromSubjects.status === 200 && fromSubjects.code === undefined && fromVitals.status === 200 && fromVitals.code === undefined;
  };

  it(`fails every request within ${FAIL_FAST_MS} ms as SERVICE_UNAVAILABLE naming the database during a ${OUTAGE_MS / 1000} s outage, keeps /readyz answering, and serves again within seconds`, async () => {
    expect(await bothServe()).toBe(true);
    await cluster.crash();
    const outageEnds = Date.now() + OUTAGE_MS;
    const probes: Array<Promise<Probe>> = [];
    while (Date.now() < outageEnds) {
      probes.push(subjectsRead(), subjectsCreate(), vitalsRead(), probe('subjects /readyz', readyz(subjects)), probe('vitals /readyz', readyz(vitals)));
      await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
    }
    const during = await Promise.all(probes);
    await cluster.start();
    const back = performance.now();
    await waitFor('subjects and vitals to serve again', bothServe, 15_000);
    const recoveredInMs = performance.now() - back;

    const slowest = during.reduce((worst, current) => (current.ms > worst.ms ? current : worst));
    console.info(
      `outage of ${OUTAGE_MS / 1000} s: ${during.length} requests, slowest ${Math.round(slowest.ms)} ms (${slowest.what}); ` +
        `served again ${Math.round(recoveredInMs)} ms after the server accepted connections`,
    );
    const tooSlow = during.filter((answer) => answer.ms > FAIL_FAST_MS || answer.status === 'no answer');
    expect(tooSlow.map((answer) => `${answer.what}: ${Math.round(answer.ms)} ms`)).toEqual([]);
    const graphql = during.filter((answer) => !answer.what.endsWith('/readyz'));
    expect(
      graphql.filter((answer) => answer.code !== 'SERVICE_UNAVAILABLE' || answer.dependency !== 'database').map((answer) => ({ ...answer, ms: undefined })),
    ).toEqual([]);
    expect(graphql.every((answer) => /database is unavailable/.test(answer.message ?? ''))).toBe(true);
    expect(new Set(during.filter((answer) => answer.what.endsWith('/readyz')).map((answer) => answer.status))).toEqual(new Set([503]));
    expect(recoveredInMs).toBeLessThan(5_000);
  }, 90_000);

  it(`keeps vitals up through ${RESTART_TRIALS} PostgreSQL restarts in the middle of an import, answering every other request`, async () => {
    const file = generateVitalsCsv({ rows: 400_000, subjects: study.subjectNumbers, badRowFraction: 0, seed: 5 });
    for (let trial = 1; trial <= RESTART_TRIALS; trial++) {
      const answer = importVitalsFile({ url: vitals.url, studyId: study.studyId, file: file.stream(5_000), fileName: `restart-${trial}.csv`, token }).catch(
        (error: unknown) => error as Error,
      );
      await waitFor(
        `the import of trial ${trial} to write rows`,
        async () =>
          (await vitalsSql`select 1 from pg_stat_activity where application_name = 'trialgraph-vitals' and backend_xid is not null`.catch(() => [])).length > 0,
        30_000,
      );
      await cluster.crash();
      const whileDown = await vitalsRead();
      await new Promise((resolve) => setTimeout(resolve, DOWN_BETWEEN_CRASH_AND_START_MS));
      await cluster.start();
      await waitFor(`vitals to serve again after restart ${trial}`, async () => (await vitalsRead()).code === undefined, 15_000);
      const ended = await Promise.race([answer, new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), 30_000))]);
      expect(vitals.process.exitCode, `vitals exited in trial ${trial}:\n${vitals.output().slice(-2_000)}`).toBeNull();
      expect(whileDown).toMatchObject({ code: 'SERVICE_UNAVAILABLE', dependency: 'database' });
      expect(whileDown.ms).toBeLessThan(FAIL_FAST_MS);
      // The import's client hears an answer (how the import ends is the import pipeline's business).
      expect(ended).not.toBe('no answer');
    }
    expect(await bothServe()).toBe(true);
  }, 180_000);
});
