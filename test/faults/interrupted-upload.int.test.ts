import { generateVitalsCsv } from '@trialgraph/csv/fixtures';
import {
  adminHeaders,
  databaseSessions,
  enrolStudy,
  inTransaction,
  openRawHttpRequest,
  startPrivateStack,
  testToken,
  timedGraphqlRequest,
  waitFor,
  type EnrolledStudy,
  type PrivateStack,
} from '@trialgraph/testing';
import { IMPORT_VITALS_MUTATION, importVitalsFile, multipartUploadBody, type ImportVitalsResult } from '@trialgraph/upload-client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECOVERY_MS, SCHEDULING_SLACK_MS, summarizeOutcome, waitUntilStoringRows } from './support/fault-expectations.js';

/** vitals' default pool: as many uploads dropped as it has connections, so one leak each would exhaust it. */
const POOL_SIZE = 10;
/** Dropped two at a time, so a cap on concurrent imports does not refuse them. */
const AT_ONCE = 2;
/** How soon an import whose client left must have ended ("at once", issue 10), scheduling aside. */
const STOPPED_WITHIN_MS = 1_000 + SCHEDULING_SLACK_MS;
/** Of a 6 MB file, this much is sent before the client vanishes: more than the buffers between them. */
const BYTES_BEFORE_LEAVING = 3 * 1024 * 1024;
/** The file vitals is killed in the middle of: about 12 MB. */
const IMPORT_ROWS = 200_000;
const IMPORT_REPORT = `query($id: ID!) { vitalsImport(id: $id) { status rowsRead rowsAccepted rowsRejected rowsDuplicate } }`;

describe('an upload cut off by its client leaving, or by vitals being killed (private PostgreSQL, real processes)', () => {
  let servers: PrivateStack;
  let study: EnrolledStudy;
  let sql: postgres.Sql;
  let adminSql: postgres.Sql;
  let authorization: string;
  let body: { contentType: string; chunks: Buffer[]; length: number };

  beforeAll(async () => {
    servers = await startPrivateStack();
    study = await enrolStudy(servers.stack.gateway.url, { code: 'CUT01', subjects: 10, concurrency: 5 });
    sql = postgres(servers.databaseUrls.vitals, { max: 1, onnotice: () => {} });
    adminSql = postgres(servers.cluster.adminUrl, { max: 1, onnotice: () => {} });
    authorization = (await adminHeaders()).authorization;
    const file = generateVitalsCsv({ rows: 100_000, subjects: study.subjectNumbers, seed: 31 });
    const multipart = multipartUploadBody({
      query: IMPORT_VITALS_MUTATION,
      variables: { studyId: study.studyId, file: null, options: null },
      filePath: 'variables.file',
      // Renamed per upload (same length, so the announced length holds) to tell their imports apart.
      fileName: 'left-00.csv',
      file: file.stream(500),
    });
    const chunks: Buffer[] = [];
    for await (const chunk of multipart.body) chunks.push(Buffer.from(chunk));
    body = { contentType: multipart.contentType, chunks, length: chunks.reduce((sum, chunk) => sum + chunk.length, 0) };
  });

  afterAll(async () => {
    await sql?.end();
    await adminSql?.end();
    await servers?.stop();
  });

  /** Sends the start of the upload through the gateway as the whole body is announced, waits for its import to run, then vanishes. */
  async function uploadAndLeave(number: number): Promise<{ importId: string; leftAt: number }> {
    const fileName = `left-${String(number).padStart(2, '0')}.csv`;
    const chunks = body.chunks.map((chunk) =>
      chunk.includes('filename="left-00.csv"') ? Buffer.from(chunk.toString().replace('left-00.csv', fileName)) : chunk,
    );
    const request = openRawHttpRequest({
      url: servers.stack.gateway.url,
      headers: { 'content-type': body.contentType, 'content-length': String(body.length), 'apollo-require-preflight': 'true', authorization },
    });
    // Ends without complaint when the connection goes: leaving is the point.
    const sending = (async () => {
      for (const chunk of chunks) {
        if (request.bytesSent >= BYTES_BEFORE_LEAVING) return;
        await request.send(chunk);
      }
    })().catch(() => {});
    await Promise.race([sending, request.response]);
    const importId = await waitFor('its import to be RUNNING', async () => {
      const rows = await sql<Array<{ id: string }>>`select id from vitals_imports where file_name = ${fileName} and status = 'RUNNING'`;
      return rows[0]?.id;
    });
    request.abort();
    return { importId, leftAt: Date.now() };
  }

  it('ends each import FAILED at once, stores nothing of it, and leaves no transaction or connection behind', async () => {
    const sessionsBefore = (await databaseSessions(adminSql, 'trialgraph-vitals')).length;
    const ended: Array<{ status: string; rowsAccepted: number; stored: number; endedAfterMs: number }> = [];
    for (let wave = 0; wave < POOL_SIZE / AT_ONCE; wave++) {
      const left = await Promise.all(Array.from({ length: AT_ONCE }, (_, index) => uploadAndLeave(wave * AT_ONCE + index)));
      for (const { importId, leftAt } of left) {
        const row = await waitFor(
          'the import to end',
          async () => {
            const [current] = await sql<Array<{ status: string; rows_accepted: number; finished_at: Date | null }>>`
              select status, rows_accepted, finished_at from vitals_imports where id = ${importId}`;
            return current && current.status !== 'RUNNING' ? current : undefined;
          },
          30_000,
        ).catch(() => undefined);
        const [stored] = await sql<Array<{ n: number }>>`select count(*)::int as n from vital_signs where import_id = ${importId}`;
        ended.push({
          status: row?.status ?? 'still RUNNING after 30 s',
          rowsAccepted: row?.rows_accepted ?? -1,
          stored: stored!.n,
          endedAfterMs: row?.finished_at ? row.finished_at.getTime() - leftAt : Number.POSITIVE_INFINITY,
        });
      }
    }

    // The client left, the service did not stop: FAILED (a cut-off upload), never INTERRUPTED, ended at once, nothing stored.
    const summary = JSON.stringify(ended);
    for (const end of ended) {
      expect(end.status, summary).toBe('FAILED');
      expect(end.endedAfterMs, summary).toBeLessThanOrEqual(STOPPED_WITHIN_MS);
      expect(end.rowsAccepted, summary).toBe(end.stored);
      expect(end.stored, summary).toBe(0);
    }

    // No transaction is left open, and the pool still has every connection: as many reads as it has connections are answered at once.
    await waitFor(
      'no vitals transaction to be open',
      async () => inTransaction(await databaseSessions(adminSql, 'trialgraph-vitals')).length === 0,
      STOPPED_WITHIN_MS,
    ).catch(async () => {
      expect(inTransaction(await databaseSessions(adminSql, 'trialgraph-vitals'))).toEqual([]);
    });
    // A connection kept by an import that ended would add up: ten uploads, ten connections. The pool may grow meanwhile, by its size at most.
    expect((await databaseSessions(adminSql, 'trialgraph-vitals')).length).toBeLessThanOrEqual(sessionsBefore + POOL_SIZE);
    const headers = { authorization };
    const origin = Date.now();
    const reads = await Promise.all(
      Array.from({ length: POOL_SIZE }, () =>
        timedGraphqlRequest(servers.stack.gateway.url, {
          query: `query($s: ID!) { vitalsImports(studyId: $s, first: 20) { edges { node { id status } } } }`,
          variables: { s: study.studyId },
          headers,
          timeoutMs: 10_000,
        }),
      ),
    );
    const slow = reads.filter((read) => read.failure || read.response?.errors || read.ms > SCHEDULING_SLACK_MS);
    expect(slow.map((read) => summarizeOutcome(read, origin))).toEqual([]);
  }, 150_000);

  it('answers the client SERVICE_UNAVAILABLE naming vitals at once, leaves no transaction behind, reports the import INTERRUPTED with nothing stored once vitals is back, and a second upload completes it exactly', async () => {
    const token = await testToken({ roles: ['ADMIN'] });
    const file = generateVitalsCsv({ rows: IMPORT_ROWS, subjects: study.subjectNumbers, badRowFraction: 0.001, seed: 21 });
    let answeredAt: number | undefined;
    const upload = importVitalsFile({
      url: servers.stack.gateway.url,
      studyId: study.studyId,
      file: file.stream(1_000),
      fileName: 'killed.csv',
      token,
    })
      .catch((error: unknown) => error as Error)
      .finally(() => (answeredAt = Date.now()));

    const [running] = await waitFor('the import to be RUNNING', async () => {
      const rows = await sql<Array<{ id: string }>>`select id from vitals_imports where file_name = 'killed.csv' and status = 'RUNNING'`;
      return rows.length > 0 && rows;
    });
    await waitUntilStoringRows(adminSql);
    expect(answeredAt, 'the import was still running when vitals was killed').toBeUndefined();

    const killedAt = Date.now();
    await servers.stack.vitals.stop('SIGKILL');
    const answer = await Promise.race([upload, new Promise<Error>((resolve) => setTimeout(() => resolve(new Error('no answer within 30 s')), 30_000))]);

    // The gateway tells the client at once that vitals went away, and that it may send again.
    expect(answer).not.toBeInstanceOf(Error);
    expect(answeredAt! - killedAt).toBeLessThanOrEqual(SCHEDULING_SLACK_MS);
    const errors = (answer as ImportVitalsResult).errors ?? [];
    expect(errors.map((error) => error.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(errors[0]?.message).toMatch(/vitals/i);

    // PostgreSQL ended the dead process's transaction: nothing of it is left open.
    await waitFor('the killed process to hold no session', async () => (await databaseSessions(adminSql, 'trialgraph-vitals')).length === 0, RECOVERY_MS);

    // Back, the import is reported INTERRUPTED, with counts that match what is stored: nothing.
    const restarted = Date.now();
    await servers.stack.restart('vitals');
    const headers = await adminHeaders();
    const report = await waitFor(
      'the import to be reported as ended',
      async () => {
        const outcome = await timedGraphqlRequest(servers.stack.gateway.url, {
          query: IMPORT_REPORT,
          variables: { id: running!.id },
          headers,
          timeoutMs: 10_000,
        });
        const status = outcome.response?.data?.vitalsImport?.status;
        return status && status !== 'RUNNING' ? outcome.response?.data?.vitalsImport : undefined;
      },
      RECOVERY_MS,
    );
    expect(Date.now() - restarted).toBeLessThanOrEqual(RECOVERY_MS);
    expect(report.status).toBe('INTERRUPTED');
    const [stored] = await sql<Array<{ n: number }>>`select count(*)::int as n from vital_signs where import_id = ${running!.id}`;
    expect(report.rowsAccepted).toBe(stored!.n);

    // Sending the file again completes it: every valid row stored once.
    const again = await importVitalsFile({ url: servers.stack.gateway.url, studyId: study.studyId, file: file.stream(5_000), fileName: 'killed.csv', token });
    expect(again.errors).toBeUndefined();
    const second = again.data?.importVitals;
    expect(second).toMatchObject({ status: 'SUCCEEDED', rowsRead: IMPORT_ROWS, rowsRejected: file.expected.bad });
    expect(second!.rowsAccepted + second!.rowsDuplicate).toBe(file.expected.valid);
    expect(second!.rowsDuplicate).toBe(stored!.n);
    const [total] = await sql<Array<{ n: number }>>`
      select count(*)::int as n from vital_signs where import_id in (${running!.id}, ${second!.id})`;
    expect(total!.n).toBe(file.expected.valid);
  }, 120_000);
});
