import { adminHeaders, createTestDatabase, graphqlRequest, testToken, type TestDatabase } from '@trialgraph/testing';
import { importVitalsFile, type ImportOptionsInput } from '@trialgraph/upload-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRss } from './support/rss-sampler.js';
import { enrolStudy, startVitalsStack, type EnrolledStudy, type VitalsStack } from './support/vitals-stack.js';

const ROWS = 3_000;
const CELL = 60_000;
/** vitals runs with a 192 MB old-space budget and peaks near 170 MB on a 2 M-row import. */
const RSS_BOUND_MB = 320;
/** Far shorter than the file of unknown subjects takes to store, yet longer than the import's keep-alive. */
const IDLE_IN_TRANSACTION_MS = 10_000;

/** A hostile file of ROWS rows, ~180 MB, each with a 60,000-character cell made by `row`. */
async function* hostileFile(header: string, row: (index: number) => string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(`${header}\n`);
  for (let index = 0; index < ROWS; index += 16) {
    let chunk = '';
    for (let offset = index; offset < Math.min(ROWS, index + 16); offset++) chunk += `${row(offset)}\n`;
    yield Buffer.from(chunk);
  }
}

describe('the errors an import keeps are bounded in bytes (real processes, real PostgreSQL)', () => {
  let subjectsDb: TestDatabase;
  let vitalsDb: TestDatabase;
  let stack: VitalsStack;
  let study: EnrolledStudy;
  let partnerToken: string;

  beforeAll(async () => {
    [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_errb_s'), createTestDatabase('tg_errb_v')]);
    // Batches of 10,000 rows: a tenth of the calls to subjects for the file of distinct ids below.
    // A short idle-in-transaction limit: the file of unknown subjects stores nothing for far longer,
    // and the import must keep its transaction alive rather than be cut off by the database.
    stack = await startVitalsStack({
      subjectsDatabaseUrl: subjectsDb.url,
      vitalsEnv: { VITALS_DATABASE_URL: vitalsDb.url, IMPORT_BATCH_SIZE: '10000', DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: String(IDLE_IN_TRANSACTION_MS) },
    });
    study = await enrolStudy(stack.gateway.url, { code: 'ERRB01', subjects: 3 });
    partnerToken = await testToken({ roles: ['PARTNER'], studies: [study.studyId] });
  });

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([subjectsDb?.drop(), vitalsDb?.drop()]);
  });

  const importAsPartner = async (file: AsyncIterable<Uint8Array>, importOptions: ImportOptionsInput) => {
    const pid = stack.vitals.process.pid;
    const rss = sampleRss(pid!);
    try {
      const answer = await importVitalsFile({
        url: stack.gateway.url,
        studyId: study.studyId,
        file,
        fileName: 'hostile.csv',
        importOptions,
        token: partnerToken,
      });
      const peakRssMb = rss.stop();
      console.info(`hostile import: vitals peak RSS ${peakRssMb} MB`);
      return { answer, peakRssMb, pid };
    } catch (error) {
      rss.stop();
      throw error;
    }
  };

  /** vitals is the same process as before, and still answers. */
  const expectVitalsAlive = async (pid: number | undefined) => {
    expect(stack.vitals.process.exitCode).toBeNull();
    expect(stack.vitals.process.pid).toBe(pid);
    const listed = await graphqlRequest(
      stack.gateway.url,
      `query($s: ID!) { vitalsImports(studyId: $s) { edges { node { fileName status } } } }`,
      { s: study.studyId },
      await adminHeaders(),
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data?.vitalsImports.edges[0].node).toMatchObject({ fileName: 'hostile.csv' });
  };

  it("reports a partner's 3,000 rows of 60,000-character heart rates (180 MB, dryRun) with each cell cut short, and vitals stays up", async () => {
    const [subject] = study.subjectNumbers as [string];
    const file = hostileFile(
      'patient_id,record_time,heart_rate',
      (index) =>
        `${subject},2025-01-01T00:${String(Math.floor(index / 60) % 60).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}Z,${'7x'.repeat(CELL / 2)}`,
    );
    const { answer, peakRssMb, pid } = await importAsPartner(file, { dryRun: true });

    expect(answer.errors).toBeUndefined();
    const report = answer.data?.importVitals;
    expect(report).toMatchObject({ status: 'SUCCEEDED', dryRun: true, rowsRead: ROWS, rowsAccepted: 0, rowsRejected: ROWS, rowsDuplicate: 0 });
    expect(report?.errors.length).toBeGreaterThan(0);
    for (const error of report?.errors ?? []) {
      expect(error).toMatchObject({ column: 'heart_rate', code: 'INVALID_NUMBER' });
      expect(error.value).toMatch(/^(7x)+7?…\(60000 characters\)$/);
      expect(error.value!.length).toBeLessThanOrEqual(200);
      expect(error.message).toMatch(/^heart_rate must be a whole number, got "(7x)+7?…\(60\d\d\d characters\)$/);
      expect(error.message.length).toBeLessThanOrEqual(200);
    }
    expect(peakRssMb).toBeLessThan(RSS_BOUND_MB);
    await expectVitalsAlive(pid);
  }, 180_000);

  it('reports 3,000 rows naming distinct 60,000-character subject ids as unknown, without asking for them, and vitals stays up', async () => {
    const file = hostileFile(
      'patient_id,record_time,heart_rate',
      (index) => `${String(index).padStart(6, '0')}${'Z'.repeat(CELL - 6)},2025-01-01T00:00:00Z,70`,
    );
    const { answer, peakRssMb, pid } = await importAsPartner(file, {});

    expect(answer.errors).toBeUndefined();
    const report = answer.data?.importVitals;
    expect(report).toMatchObject({ status: 'SUCCEEDED', rowsRead: ROWS, rowsAccepted: 0, rowsRejected: ROWS });
    for (const error of report?.errors ?? []) {
      expect(error).toMatchObject({ column: 'patient_id', code: 'UNKNOWN_SUBJECT' });
      expect(error.value).toMatch(/^\d{6}Z+…\(60000 characters\)$/);
      expect(error.message.length).toBeLessThanOrEqual(200);
    }
    expect(peakRssMb).toBeLessThan(RSS_BOUND_MB);
    await expectVitalsAlive(pid);
  }, 180_000);

  it('reports a file of 1,500,000 distinct unknown subject numbers without keeping them all or losing its idle transaction, and vitals stays up', async () => {
    const rows = 1_500_000;
    async function* distinctIds(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('patient_id,record_time,heart_rate\n');
      for (let index = 0; index < rows; index += 5_000) {
        let chunk = '';
        // 64 characters, the longest subject number looked up: each one asked about, none known.
        for (let offset = index; offset < index + 5_000; offset++) chunk += `ERRB01-S01-${String(offset).padStart(53, '0')},2025-01-01T00:00:00Z,70\n`;
        yield Buffer.from(chunk);
      }
    }
    const { answer, peakRssMb, pid } = await importAsPartner(distinctIds(), {});

    expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
    expect(answer.data?.importVitals).toMatchObject({ status: 'SUCCEEDED', rowsRead: rows, rowsAccepted: 0, rowsRejected: rows });
    expect(answer.data?.importVitals.errors[0]).toMatchObject({ line: 2, code: 'UNKNOWN_SUBJECT', value: `ERRB01-S01-${'0'.repeat(53)}` });
    expect(peakRssMb).toBeLessThan(RSS_BOUND_MB);
    await expectVitalsAlive(pid);
  }, 400_000);
});
