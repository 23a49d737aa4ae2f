import { connect, type Socket } from 'node:net';
import {
  adminHeaders,
  createTestDatabase,
  errorCodes,
  graphqlRequest,
  startApp,
  waitFor,
  type AppName,
  type AppProcess,
  type TestDatabase,
} from '@trialgraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HEADERS_TIMEOUT_MS = 1_500;
const REQUEST_BODY_TIMEOUT_MS = 2_000;
const REQUEST_DEADLINE_MS = 3_000;
const timeouts = {
  HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
  REQUEST_BODY_TIMEOUT_MS: String(REQUEST_BODY_TIMEOUT_MS),
  LOG_LEVEL: 'warn',
};

interface RawExchange {
  socket: Socket;
  /** Everything the server sent until it closed the connection. */
  closed: Promise<{ text: string; afterMs: number }>;
  /** Resolves with the text received so far once it contains `marker`. */
  received(marker: string): Promise<{ text: string; afterMs: number }>;
}

/** A hand-written HTTP exchange, to send what no well-behaved client would: headers that never end, a body that never comes. */
function rawExchange(port: number, text: string): RawExchange {
  const started = Date.now();
  const socket = connect({ host: '127.0.0.1', port });
  let received = '';
  const waiters: Array<() => void> = [];
  socket.on('data', (chunk) => {
    received += chunk.toString();
    for (const waiter of waiters) waiter();
  });
  socket.on('error', () => {});
  socket.write(text);
  return {
    socket,
    closed: new Promise((resolve) => socket.once('close', () => resolve({ text: received, afterMs: Date.now() - started }))),
    received: (marker) =>
      new Promise((resolve) => {
        const check = () => received.includes(marker) && resolve({ text: received, afterMs: Date.now() - started });
        waiters.push(check);
        check();
      }),
  };
}

describe('every HTTP server and every subgraph call has a time limit (real processes, real PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  const apps = {} as Record<AppName, AppProcess>;
  let admin: { authorization: string };
  let studyId: string;
  let subjectId: string;

  const startSubjects = (port?: number) =>
    startApp('subjects', { ...timeouts, SUBJECTS_DATABASE_URL: subjectsDb.url, ...(port ? { PORT: String(port) } : {}) });

  beforeAll(async () => {
    admin = await adminHeaders();
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_timeouts_s'), createTestDatabase('tg_timeouts_v')]);
    apps.subjects = await startSubjects();
    apps.vitals = await startApp('vitals', { ...timeouts, VITALS_DATABASE_URL: vitalsDb.url, SUBJECTS_URL: `${apps.subjects.url}graphql` });
    apps.gateway = await startApp('gateway', {
      ...timeouts,
      SUBJECTS_URL: `${apps.subjects.url}graphql`,
      VITALS_URL: `${apps.vitals.url}graphql`,
      REQUEST_DEADLINE_MS: String(REQUEST_DEADLINE_MS),
      SUBGRAPH_TIMEOUT_MS: '4000',
    });
    const study = await graphqlRequest(
      apps.gateway.url,
      `mutation { createStudy(input: { code: "TMO", name: "Timeouts", sites: [{ code: "S01", name: "North" }] }) { id sites { id } } }`,
      {},
      admin,
    );
    studyId = study.data?.createStudy.id;
    const subject = await graphqlRequest(
      apps.gateway.url,
      `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id } }`,
      { input: { studyId, siteId: study.data?.createStudy.sites[0].id, age: 50, sex: 'MALE' } },
      admin,
    );
    subjectId = subject.data?.createSubject.id;
  });

  afterAll(async () => {
    apps.vitals?.process.kill('SIGCONT');
    await Promise.all(Object.values(apps).map((app) => app.stop()));
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  it('answers a request without a token at once, before reading its body, and does not hold the connection', async () => {
    // 15 bytes of a declared 100,000: once this stayed open for over 70 s, waiting for the rest.
    const exchange = rawExchange(
      apps.gateway.port,
      'POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"query":"{ st',
    );
    const answer = await exchange.received('UNAUTHENTICATED');
    expect(answer.text).toMatch(/^HTTP\/1\.1 401/);
    expect(answer.afterMs).toBeLessThan(REQUEST_BODY_TIMEOUT_MS);
    const closed = await exchange.closed;
    expect(closed.afterMs).toBeLessThan(REQUEST_BODY_TIMEOUT_MS + 5_000);
  });

  it.each(['gateway', 'subjects', 'vitals'] as const)(
    'cuts a body that does not arrive within REQUEST_BODY_TIMEOUT_MS at %s with a 408 naming the limit',
    async (app) => {
      const exchange = rawExchange(
        apps[app].port,
        `POST /graphql HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${admin.authorization}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"query":"{ st`,
      );
      const closed = await exchange.closed;
      expect(closed.text).toMatch(/^HTTP\/1\.1 408/);
      expect(closed.text).toContain('REQUEST_BODY_TIMEOUT_MS');
      expect(closed.text).toContain('BAD_REQUEST');
      expect(closed.afterMs).toBeGreaterThanOrEqual(REQUEST_BODY_TIMEOUT_MS - 100);
      expect(closed.afterMs).toBeLessThan(REQUEST_BODY_TIMEOUT_MS + 5_000);
    },
  );

  it.each(['gateway', 'subjects', 'vitals'] as const)('closes a connection whose headers do not end within HEADERS_TIMEOUT_MS at %s', async (app) => {
    const exchange = rawExchange(apps[app].port, 'POST /graphql HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    const closed = await exchange.closed;
    expect(closed.afterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(closed.afterMs).toBeLessThan(HEADERS_TIMEOUT_MS + 5_000);
  });

  it('answers with the subjects part and an error naming vitals when vitals hangs, within the deadline, and recovers when it resumes', async () => {
    const query = `query($id: ID!) { subject(id: $id) { id age latestVitalSign { heartRate } } }`;
    apps.vitals.process.kill('SIGSTOP');
    try {
      const started = Date.now();
      const response = await graphqlRequest(apps.gateway.url, query, { id: subjectId }, admin);
      expect(Date.now() - started).toBeLessThan(REQUEST_DEADLINE_MS + 3_000);
      expect(response.data?.subject).toEqual({ id: subjectId, age: 50, latestVitalSign: null });
      expect(errorCodes(response)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(response.errors?.[0]?.message).toContain('vitals');
      expect(response.errors?.[0]?.message).toContain('REQUEST_DEADLINE_MS');
      expect(response.errors?.[0]?.extensions).toMatchObject({ dependency: 'deadline', subgraph: 'vitals' });
    } finally {
      apps.vitals.process.kill('SIGCONT');
    }
    const recovered = await waitFor('vitals to answer again through the gateway', async () => {
      const response = await graphqlRequest(apps.gateway.url, query, { id: subjectId }, admin);
      return response.errors ? undefined : response;
    });
    expect(recovered.data?.subject.latestVitalSign).toBeNull();
  });

  it('names the subjects service, not the database, when the subjects process is down, and serves again when it is back', async () => {
    const query = `query($id: ID!) { study(id: $id) { code } vitalsImports(studyId: $id) { totalCount } }`;
    const port = apps.subjects.port;
    await apps.subjects.stop('SIGKILL');
    const response = await graphqlRequest(apps.gateway.url, query, { id: studyId }, admin);
    expect(response.data).toEqual({ study: null, vitalsImports: { totalCount: 0 } });
    expect(errorCodes(response)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(response.errors?.[0]?.message).toContain('subjects service');
    expect(response.errors?.[0]?.message).not.toContain('database');
    expect(response.errors?.[0]?.extensions?.dependency).toBe('subjects');

    apps.subjects = await startSubjects(port);
    const recovered = await waitFor('subjects to answer again through the gateway', async () => {
      const again = await graphqlRequest(apps.gateway.url, query, { id: studyId }, admin);
      return again.errors ? undefined : again;
    });
    expect(recovered.data).toEqual({ study: { code: 'TMO' }, vitalsImports: { totalCount: 0 } });
  });
});
