import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminHeaders, createTestDatabase, errorCodes, graphqlRequest, startApp, waitFor, type AppProcess, type TestDatabase } from '@trialgraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface HeldCall {
  receivedAt: number;
  headers: http.IncomingHttpHeaders;
  /** When the gateway gave the call up (its connection closed), if it has. */
  closedAt?: number;
}

/**
 * Stands where vitals would, records what the gateway sends and never answers: the subgraph
 * side of deadlines is another part's work, so this watches only what the gateway does.
 */
async function startSilentSubgraph(): Promise<{ url: string; calls: HeldCall[]; close(): Promise<void> }> {
  const calls: HeldCall[] = [];
  const server = http.createServer((req, res) => {
    const call: HeldCall = { receivedAt: Date.now(), headers: req.headers };
    calls.push(call);
    req.resume();
    res.once('close', () => (call.closedAt = Date.now()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const QUERY = `query($id: ID!) { subject(id: $id) { age latestVitalSign { heartRate } } }`;

describe('every operation has a deadline at the gateway, sent to the subgraphs and enforced (real gateway and subjects)', () => {
  let database: TestDatabase;
  let subjects: AppProcess;
  let silentVitals: Awaited<ReturnType<typeof startSilentSubgraph>>;
  let shortDeadline: AppProcess;
  let longDeadline: AppProcess;
  let subjectId: string;
  let admin: { authorization: string };

  beforeAll(async () => {
    admin = await adminHeaders();
    database = await createTestDatabase('tg_deadline');
    subjects = await startApp('subjects', { SUBJECTS_DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
    silentVitals = await startSilentSubgraph();
    const env = { SUBJECTS_URL: `${subjects.url}graphql`, VITALS_URL: silentVitals.url, LOG_LEVEL: 'warn' };
    shortDeadline = await startApp('gateway', { ...env, REQUEST_DEADLINE_MS: '2000', SUBGRAPH_TIMEOUT_MS: '5000' });
    longDeadline = await startApp('gateway', { ...env, REQUEST_DEADLINE_MS: '20000', SUBGRAPH_TIMEOUT_MS: '30000' });
    const study = await graphqlRequest(
      shortDeadline.url,
      `mutation { createStudy(input: { code: "DL", name: "Deadlines", sites: [{ code: "S01", name: "North" }] }) { id sites { id } } }`,
      {},
      admin,
    );
    const subject = await graphqlRequest(
      shortDeadline.url,
      `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id } }`,
      { input: { studyId: study.data?.createStudy.id, siteId: study.data?.createStudy.sites[0].id, age: 61, sex: 'FEMALE' } },
      admin,
    );
    subjectId = subject.data?.createSubject.id;
  });

  afterAll(async () => {
    await Promise.all([shortDeadline?.stop(), longDeadline?.stop(), subjects?.stop()]);
    await silentVitals?.close();
    await database?.drop();
  });

  it('sends each subgraph call the deadline in x-request-deadline, and answers SERVICE_UNAVAILABLE naming it when it passes', async () => {
    const callsBefore = silentVitals.calls.length;
    const sent = Date.now();
    const response = await graphqlRequest(shortDeadline.url, QUERY, { id: subjectId }, admin);
    const answeredAfterMs = Date.now() - sent;

    expect(response.data?.subject).toEqual({ age: 61, latestVitalSign: null });
    expect(errorCodes(response)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(response.errors?.[0]?.message).toContain('deadline of 2000 ms (REQUEST_DEADLINE_MS)');
    expect(response.errors?.[0]?.extensions?.dependency).toBe('deadline');
    // It names the subgraph that had not answered, so an operator knows which one hung.
    expect(response.errors?.[0]?.message).toContain('vitals had not answered');
    expect(response.errors?.[0]?.extensions?.subgraph).toBe('vitals');
    expect(answeredAfterMs).toBeGreaterThanOrEqual(1_900);
    expect(answeredAfterMs).toBeLessThan(5_000);

    const call = silentVitals.calls[callsBefore];
    expect(call).toBeDefined();
    const deadline = Number(call?.headers['x-request-deadline']);
    expect(deadline).toBeGreaterThanOrEqual(sent + 2_000 - 50);
    expect(deadline).toBeLessThanOrEqual(call!.receivedAt + 2_000);
    // The gateway gave the call up at the deadline rather than leaving it to the subgraph timeout.
    await waitFor('the gateway to close its call to the subgraph', async () => call?.closedAt, 5_000);
    expect(call!.closedAt! - deadline).toBeLessThan(1_000);
  });

  it('aborts its in-flight subgraph calls when the client disconnects, long before the deadline', async () => {
    const callsBefore = silentVitals.calls.length;
    const client = new AbortController();
    const pending = fetch(longDeadline.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...admin },
      body: JSON.stringify({ query: QUERY, variables: { id: subjectId } }),
      signal: client.signal,
    }).catch((error: unknown) => error);
    const call = await waitFor('the subgraph call to arrive', async () => silentVitals.calls[callsBefore], 10_000);
    const leftAt = Date.now();
    client.abort();
    await pending;
    await waitFor('the gateway to abort its subgraph call', async () => call.closedAt, 5_000);
    expect(call.closedAt! - leftAt).toBeLessThan(1_000);
    expect(Number(call.headers['x-request-deadline'])).toBeGreaterThan(leftAt + 15_000);
  });
});
