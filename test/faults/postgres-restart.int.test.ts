import { generateVitalsCsv } from '@trialgraph/csv/fixtures';
import {
  adminHeaders,
  callRepeatedly,
  enrolStudy,
  startPrivateStack,
  testToken,
  timedGraphqlRequest,
  waitFor,
  type EnrolledStudy,
  type PrivateStack,
  type TimedGraphqlOutcome,
} from '@trialgraph/testing';
import { importVitalsFile, type ImportVitalsResult } from '@trialgraph/upload-client';
import postgres from 'postgres';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  describeOutcomes,
  expectRefusedNaming,
  RECOVERY_MS,
  SCHEDULING_SLACK_MS,
  secondsSince,
  summarizeOutcome,
  waitUntilStoringRows,
} from './support/fault-expectations.js';

/**
 * Set on both subgraphs: a connection to PostgreSQL that does not open within DB_CONNECT_TIMEOUT_MS
 * fails the statement waiting for it, so during an outage a request is refused within it (issue
 * 10: "requests fail fast (≤ 2 s)"); /readyz gives its check READINESS_TIMEOUT_MS.
 */
const FAIL_FAST_MS = 2_000;
const READINESS_TIMEOUT_MS = 1_000;
const DATABASE_LIMITS = { DB_CONNECT_TIMEOUT_MS: String(FAIL_FAST_MS), READINESS_TIMEOUT_MS: String(READINESS_TIMEOUT_MS) };
/** How long PostgreSQL stays down: the reproduction of issue 10 (stop -m immediate, start 2 s later). */
const OUTAGE_MS = 2_000;
/** Large enough that the import is still writing when the server dies: about 17 MB. */
const IMPORT_ROWS = 200_000;
/** Past this the upload's answer counts as never coming (the test asserts a much shorter bound). */
const ANSWER_CAP_MS = 30_000;

const CREATE_SUBJECT = `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id subjectNumber } }`;
const IMPORT_REPORT = `query($id: ID!) { vitalsImport(id: $id) { status rowsRead rowsAccepted rowsRejected rowsDuplicate failureReason } }`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The numeric part of CODE-SITE-0042. */
const sequenceOf = (subjectNumber: string) => Number(subjectNumber.split('-').at(-1));

describe('PostgreSQL restarted under load (private PostgreSQL, real processes)', () => {
  let servers: PrivateStack;
  let headers: Record<string, string>;
  let study: EnrolledStudy;
  /** The test's own connections, closed before each crash: a driver caught by it must not be the test's. */
  const connect = (url: string) => postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });

  beforeAll(async () => {
    servers = await startPrivateStack({ subjects: DATABASE_LIMITS, vitals: DATABASE_LIMITS });
    headers = await adminHeaders();
    study = await enrolStudy(servers.stack.gateway.url, { code: 'PGR01', subjects: 10, concurrency: 5 });
  });

  beforeEach(async () => {
    // Each test starts from a whole stack, even when the one before left a process dead.
    for (const app of ['subjects', 'vitals', 'gateway'] as const) {
      const running = servers.stack[app];
      if (running.process.exitCode !== null || running.process.signalCode !== null) await servers.stack.restart(app);
    }
  });

  afterAll(async () => {
    await servers?.stop();
  });

  const pids = () => [servers.stack.subjects, servers.stack.vitals, servers.stack.gateway].map((app) => app.process.pid);
  const expectAllAlive = () => {
    for (const [name, app] of Object.entries({ subjects: servers.stack.subjects, vitals: servers.stack.vitals, gateway: servers.stack.gateway })) {
      const exit = app.process.exitCode ?? app.process.signalCode;
      expect(exit, `${name} exited (${exit}):\n${app.output().slice(-3_000)}`).toBeNull();
    }
  };
  const readiness = async (url: string) => {
    const started = Date.now();
    try {
      const response = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(FAIL_FAST_MS * 5) });
      return { status: response.status, ms: Date.now() - started };
    } catch (error) {
      return { status: 0, ms: Date.now() - started, error: String(error) };
    }
  };

  /** Crashes PostgreSQL and starts it again OUTAGE_MS later. */
  const restartPostgres = async () => {
    const crashedAt = Date.now();
    await servers.cluster.crash();
    await sleep(OUTAGE_MS);
    await servers.cluster.start();
    return { crashedAt, backAt: Date.now() };
  };

  it('refuses createSubject fast with SERVICE_UNAVAILABLE naming the database while it is down, loses no acknowledged subject, and creates again within seconds of its return', async () => {
    const before = pids();
    const input = { studyId: study.studyId, siteId: study.siteId, age: 44, sex: 'MALE' };
    const origin = Date.now();
    const stream = callRepeatedly({
      workers: 4,
      call: () => timedGraphqlRequest(servers.stack.gateway.url, { query: CREATE_SUBJECT, variables: { input }, headers, timeoutMs: 30_000 }),
    });
    const created = (outcome: TimedGraphqlOutcome) => !outcome.failure && !outcome.response?.errors && Boolean(outcome.response?.data?.createSubject);
    // However this ends, the stream stops: a stream left running would hammer the next test.
    const { crashedAt, backAt, recovered, probing } = await (async () => {
      await waitFor('createSubject to run', async () => stream.results.filter(created).length >= 20);
      // Probed during the outage, not waited for: a probe that hangs must not lengthen the outage.
      const probing = sleep(300).then(() => Promise.all([readiness(servers.stack.subjects.url), readiness(servers.stack.vitals.url)]));
      const restarted = await restartPostgres();
      const recovered = await waitFor(
        'createSubject to succeed again after PostgreSQL returned',
        async () => stream.results.find((outcome) => outcome.startedAt > restarted.backAt && created(outcome)),
        RECOVERY_MS + FAIL_FAST_MS,
      ).catch(() => undefined);
      await waitFor(
        '20 more creations',
        async () => stream.results.filter((outcome) => outcome.startedAt > restarted.backAt && created(outcome)).length >= 20,
        RECOVERY_MS * 2,
      ).catch(() => {});
      return { ...restarted, recovered, probing };
    })().finally(() => stream.stop());
    const outcomes = await stream.stop();
    const probes = await probing;
    const refused = outcomes.filter((outcome) => !created(outcome));
    const context = `crash at ${secondsSince(origin, crashedAt)}, back at ${secondsSince(origin, backAt)}\n${describeOutcomes(refused, origin)}`;

    // The processes survived the outage: the same ones, not restarted.
    expectAllAlive();
    expect(pids()).toEqual(before);

    // No call hung: each was answered, the ones during the outage within the fail-fast bound.
    const late = outcomes.filter((outcome) => outcome.failure || outcome.ms > FAIL_FAST_MS + SCHEDULING_SLACK_MS);
    expect(
      late.map((outcome) => summarizeOutcome(outcome, origin)),
      context,
    ).toEqual([]);
    // Every refusal says the database is the problem, as SERVICE_UNAVAILABLE.
    for (const outcome of refused) expectRefusedNaming(outcome, /database|postgres/i, FAIL_FAST_MS + SCHEDULING_SLACK_MS);
    expect(refused.length, 'the outage was felt').toBeGreaterThan(0);
    // /readyz kept answering during the outage, and said so.
    for (const probe of probes) {
      expect(probe.status, `${JSON.stringify(probe)}\n${context}`).toBe(503);
      expect(probe.ms).toBeLessThanOrEqual(READINESS_TIMEOUT_MS + SCHEDULING_SLACK_MS);
    }
    // The same processes serve again within seconds, without a restart.
    expect(recovered, context).toBeDefined();
    expect(recovered!.startedAt + recovered!.ms - backAt).toBeLessThanOrEqual(RECOVERY_MS);
    for (const url of [servers.stack.subjects.url, servers.stack.vitals.url, servers.stack.gateway.url]) expect((await readiness(url)).status).toBe(200);

    // Every acknowledged subject is stored under its number; numbers are unique and leave no gap.
    const acknowledged = outcomes.filter(created).map((outcome) => outcome.response?.data?.createSubject as { id: string; subjectNumber: string });
    expect(new Set(acknowledged.map((subject) => subject.subjectNumber)).size).toBe(acknowledged.length);
    const sql = connect(servers.databaseUrls.subjects);
    try {
      const stored = await sql<Array<{ id: string; subject_number: string; sequence: number }>>`
        select id, subject_number, sequence from subjects where study_id = ${study.studyId} order by sequence`;
      const storedNumber = new Map(stored.map((row) => [row.id, row.subject_number]));
      expect(acknowledged.filter((subject) => storedNumber.get(subject.id) !== subject.subjectNumber)).toEqual([]);
      expect(stored.map((row) => row.sequence)).toEqual(stored.map((_, index) => index + 1));
      expect(acknowledged.map((subject) => sequenceOf(subject.subjectNumber)).every((sequence) => sequence <= stored.length)).toBe(true);
    } finally {
      await sql.end();
    }
  }, 120_000);

  it('ends an import cut by the restart FAILED or INTERRUPTED with the counts that are stored, keeps vitals serving, and a second upload completes it exactly', async () => {
    const before = pids();
    const token = await testToken({ roles: ['ADMIN'] });
    const file = generateVitalsCsv({ rows: IMPORT_ROWS, subjects: study.subjectNumbers, badRowFraction: 0.001, seed: 11 });
    const origin = Date.now();
    const upload: Promise<ImportVitalsResult | Error> = importVitalsFile({
      url: servers.stack.gateway.url,
      studyId: study.studyId,
      file: file.stream(1_000),
      fileName: 'restart.csv',
      token,
    }).catch((error: unknown) => error as Error);
    let answeredAt: number | undefined;
    void upload.then(() => (answeredAt = Date.now()));

    // Mid-store: RUNNING, and rows being written in its transaction.
    const vitalsSql = connect(servers.databaseUrls.vitals);
    const [running] = await waitFor('the import to be RUNNING', async () => {
      const rows = await vitalsSql<Array<{ id: string }>>`select id from vitals_imports where file_name = 'restart.csv' and status = 'RUNNING'`;
      return rows.length > 0 && rows;
    });
    const importId = running!.id;
    await waitUntilStoringRows(vitalsSql);
    await vitalsSql.end();
    expect(answeredAt, 'the import was still running when PostgreSQL crashed').toBeUndefined();

    const { crashedAt, backAt } = await restartPostgres();
    const answer = await Promise.race([upload, sleep(ANSWER_CAP_MS).then(() => new Error(`no answer ${ANSWER_CAP_MS} ms after the restart`))]);
    const context = `crash at ${secondsSince(origin, crashedAt)}, back at ${secondsSince(origin, backAt)}, answered at ${answeredAt ? secondsSince(origin, answeredAt) : 'never'}`;

    // The client was answered, not left hanging: at the latest once the database was back for the fail-fast bound.
    expect(answer, context).not.toBeInstanceOf(Error);
    expect(answeredAt! - backAt, context).toBeLessThanOrEqual(FAIL_FAST_MS + SCHEDULING_SLACK_MS);
    const report = (answer as ImportVitalsResult).data?.importVitals;
    if (report) expect(['FAILED', 'INTERRUPTED']).toContain(report.status);
    else
      expect(
        (answer as ImportVitalsResult).errors?.map((error) => error.extensions?.code),
        context,
      ).toEqual(['SERVICE_UNAVAILABLE']);

    // vitals survived, and serves again within seconds of the database's return.
    expectAllAlive();
    expect(pids()).toEqual(before);
    const served = await waitFor(
      'the import report to be readable again',
      async () => {
        const outcome = await timedGraphqlRequest(servers.stack.gateway.url, { query: IMPORT_REPORT, variables: { id: importId }, headers, timeoutMs: 10_000 });
        return !outcome.response?.errors && outcome.response?.data?.vitalsImport ? outcome : undefined;
      },
      RECOVERY_MS,
    );
    expect(served.startedAt + served.ms - backAt, context).toBeLessThanOrEqual(RECOVERY_MS);

    // The import's end is recorded (not left RUNNING), with counts that match what is stored.
    const ended = await waitFor(
      'the import to be recorded as ended',
      async () => {
        const outcome = await timedGraphqlRequest(servers.stack.gateway.url, { query: IMPORT_REPORT, variables: { id: importId }, headers, timeoutMs: 10_000 });
        const status = outcome.response?.data?.vitalsImport?.status;
        return status && status !== 'RUNNING' ? outcome.response?.data?.vitalsImport : undefined;
      },
      30_000,
    );
    expect(['FAILED', 'INTERRUPTED']).toContain(ended.status);
    const countsSql = connect(servers.databaseUrls.vitals);
    try {
      const [stored] = await countsSql<Array<{ n: number }>>`select count(*)::int as n from vital_signs where import_id = ${importId}`;
      expect(ended.rowsAccepted).toBe(stored!.n);

      // Sending the file again completes it: every valid row stored once, none twice.
      const again = await importVitalsFile({
        url: servers.stack.gateway.url,
        studyId: study.studyId,
        file: file.stream(5_000),
        fileName: 'restart.csv',
        token,
      });
      expect(again.errors).toBeUndefined();
      const second = again.data?.importVitals;
      expect(second).toMatchObject({ status: 'SUCCEEDED', rowsRead: IMPORT_ROWS, rowsRejected: file.expected.bad });
      expect(second!.rowsAccepted + second!.rowsDuplicate).toBe(file.expected.valid);
      expect(second!.rowsDuplicate).toBe(stored!.n);
      const [total] = await countsSql<Array<{ n: number }>>`select count(*)::int as n from vital_signs where study_id = ${study.studyId}`;
      expect(total!.n).toBe(file.expected.valid);
    } finally {
      await countsSql.end();
    }
  }, 180_000);
});
