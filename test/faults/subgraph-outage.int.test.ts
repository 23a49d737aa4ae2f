import { generateVitalsCsv } from '@trialgraph/csv/fixtures';
import {
  adminHeaders,
  enrolStudy,
  startPrivateStack,
  testToken,
  timedGraphqlRequest,
  waitFor,
  type EnrolledStudy,
  type PrivateStack,
  type TimedGraphqlOutcome,
} from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusedNaming, RECOVERY_MS, SCHEDULING_SLACK_MS } from './support/fault-expectations.js';

/**
 * Set on the gateway for this suite (the defaults are longer): an operation's deadline, and the
 * limit on one subgraph call, which the gateway requires to be the longer of the two. A query
 * waiting on a hung subgraph is answered when the first of them passes.
 */
const REQUEST_DEADLINE_MS = 4_000;
const SUBGRAPH_TIMEOUT_MS = 5_000;

/**
 * Needs both subgraphs: a subject (subjects) with its latest reading (vitals, through the
 * entity join) and an import report (vitals). Every root field is nullable, so when one
 * subgraph is gone the other's part can still be answered.
 */
const SUBJECT_AND_IMPORT = `query($subjectId: ID!, $importId: ID!) {
  subject(id: $subjectId) { subjectNumber latestVitalSign { heartRate } }
  vitalsImport(id: $importId) { status rowsAccepted }
}`;

describe('a subgraph killed or hung while the gateway serves queries that need both (private PostgreSQL, real processes)', () => {
  let servers: PrivateStack;
  let study: EnrolledStudy;
  let headers: Record<string, string>;
  let variables: { subjectId: string; importId: string };
  let whole: Record<string, unknown>;

  beforeAll(async () => {
    servers = await startPrivateStack({ gateway: { REQUEST_DEADLINE_MS: String(REQUEST_DEADLINE_MS), SUBGRAPH_TIMEOUT_MS: String(SUBGRAPH_TIMEOUT_MS) } });
    study = await enrolStudy(servers.stack.gateway.url, { code: 'OUT01', subjects: 3 });
    headers = await adminHeaders();
    const file = generateVitalsCsv({ rows: 30, subjects: study.subjectNumbers, seed: 4 });
    const imported = await importVitalsFile({
      url: servers.stack.gateway.url,
      studyId: study.studyId,
      file: file.stream(),
      token: await testToken({ roles: ['ADMIN'] }),
    });
    expect(imported.data?.importVitals.status).toBe('SUCCEEDED');
    variables = { subjectId: study.subjectIds[0]!, importId: imported.data!.importVitals.id };
    const healthy = await query();
    expect(healthy.response?.errors).toBeUndefined();
    whole = healthy.response?.data as Record<string, unknown>;
    expect(whole).toMatchObject({
      subject: { subjectNumber: study.subjectNumbers[0], latestVitalSign: { heartRate: expect.any(Number) } },
      vitalsImport: { status: 'SUCCEEDED', rowsAccepted: 30 },
    });
  });

  afterEach(async () => {
    // A paused or killed subgraph must not outlive a failed test: the next one needs it.
    for (const app of ['subjects', 'vitals'] as const) {
      const running = servers?.stack[app];
      running?.resume();
      if (running && (running.process.exitCode !== null || running.process.signalCode !== null)) await servers.stack.restart(app);
    }
  });

  afterAll(async () => {
    await servers?.stop();
  });

  /** Capped well past the bound, so a hang shows as a slow answer in the assertion, not a test timeout. */
  const query = () => timedGraphqlRequest(servers.stack.gateway.url, { query: SUBJECT_AND_IMPORT, variables, headers, timeoutMs: SUBGRAPH_TIMEOUT_MS * 4 });
  const answeredWhole = async () => {
    const outcome = await query();
    return !outcome.failure && !outcome.response?.errors && JSON.stringify(outcome.response?.data) === JSON.stringify(whole);
  };
  const withinTimeout = Math.min(REQUEST_DEADLINE_MS, SUBGRAPH_TIMEOUT_MS) + SCHEDULING_SLACK_MS;

  /** Three queries at once: each must be answered in time, not only the first. */
  const queryThrice = () => Promise.all([query(), query(), query()]);

  const expectVitalsPartOnly = (outcome: TimedGraphqlOutcome) => {
    expectRefusedNaming(outcome, /subjects/i, withinTimeout);
    expect(outcome.response?.data).toEqual({ subject: null, vitalsImport: whole.vitalsImport });
  };
  const expectSubjectsPartOnly = (outcome: TimedGraphqlOutcome) => {
    expectRefusedNaming(outcome, /vitals/i, withinTimeout);
    expect(outcome.response?.data).toEqual({ subject: { subjectNumber: study.subjectNumbers[0], latestVitalSign: null }, vitalsImport: null });
  };

  it('answers the subjects part with SERVICE_UNAVAILABLE naming vitals while vitals is killed, and whole again once it is back', async () => {
    const gatewayPid = servers.stack.gateway.process.pid;
    await servers.stack.vitals.stop('SIGKILL');

    for (const outcome of await queryThrice()) expectSubjectsPartOnly(outcome);
    const readiness = await fetch(new URL('/readyz', servers.stack.gateway.url), { signal: AbortSignal.timeout(withinTimeout) });
    expect(readiness.status).toBe(503);
    expect(await readiness.text()).toMatch(/vitals/);

    await servers.stack.restart('vitals');
    const back = Date.now();
    await waitFor('the gateway to answer whole again', answeredWhole, RECOVERY_MS);
    expect(Date.now() - back).toBeLessThan(RECOVERY_MS);
    expect(servers.stack.gateway.process.pid).toBe(gatewayPid);
  }, 60_000);

  it('answers the subjects part within the time limit while vitals hangs (SIGSTOP), and whole again once it resumes', async () => {
    servers.stack.vitals.pause();
    for (const outcome of await queryThrice()) expectSubjectsPartOnly(outcome);

    servers.stack.vitals.resume();
    await waitFor('the gateway to answer whole again', answeredWhole, RECOVERY_MS);
  }, 60_000);

  it('answers the vitals part with SERVICE_UNAVAILABLE naming subjects while subjects is killed, and whole again once it is back', async () => {
    await servers.stack.subjects.stop('SIGKILL');
    for (const outcome of await queryThrice()) expectVitalsPartOnly(outcome);

    await servers.stack.restart('subjects');
    await waitFor('the gateway to answer whole again', answeredWhole, RECOVERY_MS);
  }, 60_000);

  it('answers the vitals part within the time limit while subjects hangs (SIGSTOP), and whole again once it resumes', async () => {
    servers.stack.subjects.pause();
    for (const outcome of await queryThrice()) expectVitalsPartOnly(outcome);

    servers.stack.subjects.resume();
    await waitFor('the gateway to answer whole again', answeredWhole, RECOVERY_MS);
  }, 60_000);
});
