import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { accessOf } from '@trialgraph/auth';
import { openDatabase } from '@trialgraph/database';
import { createTestDatabase, graphqlRequest, waitFor, type TestDatabase } from '@trialgraph/testing';
import { importVitalsFile, type ImportOptionsInput } from '@trialgraph/upload-client';
import { sql as drizzleSql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVitalsDatabase, VITALS_REQUEST_ROLE, vitalsMigrationsFolder } from '../src/db/client.js';
import { vitalsSchema } from '../src/db/schema.js';
import { createVitalsLoaders } from '../src/loaders.js';
import { compactVitalSignCounts } from '../src/vitals/vital-sign-count-compactor.js';
import { useEnrolledVitalsStack } from './support/vitals-stack.js';

/**
 * totalCount comes from counts the database keeps on every write to vital_signs (triggers), not
 * from counting. These tests write through every path there is and compare it with what is stored.
 */

const TOTAL_COUNT = `query($id: ID!) { subject(id: $id) { vitals(first: 1) { totalCount } } }`;
const RECORD = `mutation($input: RecordVitalSignInput!) { recordVitalSign(input: $input) { id } }`;
const ADMIN = accessOf({ userId: 'admin', roles: ['ADMIN'], studies: [], sites: [] });
/** Large enough that the row budget never refuses these reads. */
const MAX_ROWS = 1_000_000;

async function* text(content: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(content, 'utf8');
}

describe('totalCount of a subject’s vitals on every write path (real processes, PostgreSQL)', () => {
  const given = useEnrolledVitalsStack({
    name: 'tg_cnt',
    study: { code: 'CNT01', subjects: 2 },
    vitalsEnv: { VITAL_COUNTS_COMPACTION_INTERVAL_MS: '300' },
    vitalsSqlConnections: 2,
  });

  const importCsv = (rows: string[], importOptions: ImportOptionsInput = {}) =>
    importVitalsFile({
      url: given.stack.gateway.url,
      studyId: given.study.studyId,
      file: text(['patient_id,record_time,heart_rate', ...rows].join('\n')),
      importOptions,
      token: given.token,
    });

  async function totalCount(subjectId: string): Promise<number> {
    const response = await graphqlRequest(given.stack.gateway.url, TOTAL_COUNT, { id: subjectId }, given.headers);
    expect(response.errors).toBeUndefined();
    return response.data?.subject.vitals.totalCount;
  }
  const stored = async (subjectId: string) => Number((await given.vitalsSql`select count(*)::int as n from vital_signs where subject_id = ${subjectId}`)[0]?.n);

  /** totalCount of every subject, next to the rows really stored. */
  async function expectCounts(expected: number[]): Promise<void> {
    const counted = await Promise.all(given.study.subjectIds.map(totalCount));
    const actual = await Promise.all(given.study.subjectIds.map(stored));
    expect({ counted, actual }).toEqual({ counted: expected, actual: expected });
  }

  it('counts the rows an import stores, and nothing more when the same file is sent again', async () => {
    const [a, b] = given.study.subjectNumbers as [string, string];
    const rows = [
      `${a},2026-01-01T08:00:00Z,70`,
      `${a},2026-01-01T09:00:00Z,71`,
      `${a},2026-01-01T10:00:00Z,abc`,
      `${b},2026-01-01T08:00:00Z,64`,
      `${a},2026-01-01T11:00:00Z,72`,
    ];
    expect((await importCsv(rows)).data?.importVitals).toMatchObject({ status: 'SUCCEEDED', rowsAccepted: 4, rowsRejected: 1 });
    await expectCounts([3, 1]);
    expect((await importCsv(rows)).data?.importVitals).toMatchObject({ status: 'SUCCEEDED', rowsAccepted: 0, rowsDuplicate: 4 });
    await expectCounts([3, 1]);
  });

  it('counts nothing for an import that stores nothing: a dry run, and one aborted at a bad row', async () => {
    const [a, b] = given.study.subjectNumbers as [string, string];
    const rows = [`${a},2026-01-02T08:00:00Z,70`, `${b},2026-01-02T08:00:00Z,64`, `${b},2026-01-02T09:00:00Z,999`];
    expect((await importCsv(rows, { dryRun: true })).data?.importVitals).toMatchObject({ status: 'SUCCEEDED', rowsAccepted: 2 });
    expect((await importCsv(rows, { onError: 'ABORT' })).data?.importVitals).toMatchObject({ status: 'ABORTED' });
    await expectCounts([3, 1]);
  });

  it('counts a reading recorded one by one once, even when the request is sent twice', async () => {
    const input = { subjectId: given.study.subjectIds[1], recordedAt: '2026-01-03T08:00:00Z', heartRate: 66 };
    for (let attempt = 0; attempt < 2; attempt++)
      expect((await graphqlRequest(given.stack.gateway.url, RECORD, { input }, given.headers)).errors).toBeUndefined();
    await expectCounts([3, 2]);
  });

  it('counts rows copied straight into the table with COPY, as an operator or a bulk loader would', async () => {
    const [a] = given.study.subjectIds as [string];
    const lines = Array.from(
      { length: 500 },
      (_, minute) => `${a}\t${given.study.studyId}\t${given.study.siteId}\t${new Date(Date.UTC(2026, 0, 4, 0, minute)).toISOString()}\t80\tcopy\n`,
    );
    const copy = await given.vitalsSql`copy vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, recorded_by) from stdin`.writable();
    await pipeline(Readable.from([lines.join('')]), copy);
    await expectCounts([503, 2]);
  });

  it('records a reading while an import of the same subject holds its transaction open, and counts both', async () => {
    const [a] = given.study.subjectIds as [string];
    // An import's transaction, left open: its rows of subject A are written and counted, not committed.
    const importing = await given.vitalsSql.reserve();
    try {
      await importing`begin`;
      await importing`insert into vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, recorded_by)
                      select ${a}, ${given.study.studyId}, ${given.study.siteId}, ${new Date(Date.UTC(2026, 0, 5))}::timestamptz + n * interval '1 minute', 75, 'import'
                      from generate_series(0, 99) as n`;
      // A count updated in place would make this wait until the import ends: here it must answer first.
      const recorded = await graphqlRequest(
        given.stack.gateway.url,
        RECORD,
        { input: { subjectId: a, recordedAt: '2026-01-06T08:00:00Z', heartRate: 68 } },
        given.headers,
      );
      expect(recorded.errors).toBeUndefined();
      await expectCounts([504, 2]);
      await importing`commit`;
    } finally {
      await importing`rollback`.catch(() => {});
      importing.release();
    }
    await expectCounts([604, 2]);
  });

  it('folds each subject’s count rows into one in the background, and the totals do not move', async () => {
    // Every write statement above added a row; the vitals process (started with a 300 ms interval) folds them.
    await waitFor('one count row per subject', async () => {
      const [row] = await given.vitalsSql`select count(*)::int as rows, count(distinct subject_id)::int as subjects from vital_sign_counts`;
      return row?.rows === 2 && row?.subjects === 2;
    });
    await expectCounts([604, 2]);
  });
});

describe('folding the kept counts', () => {
  let database: TestDatabase;
  let opened: Awaited<ReturnType<typeof openVitalsDatabase>>;
  let sql: postgres.Sql;
  const subject = '0c000000-0000-4000-8000-000000000001';
  const insert = (client: postgres.Sql | postgres.ReservedSql, minutes: number[]) => client`
    insert into vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, recorded_by)
    select ${subject}, '0a000000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-000000000001',
           timestamptz '2025-01-01' + m * interval '1 minute', 70, 'test'
    from unnest(${minutes}::int[]) as m`;
  /** The subject's count rows, smallest first. */
  const countRows = async () =>
    (await sql`select readings::int from vital_sign_counts where subject_id = ${subject} order by readings`).map((row) => row.readings);

  beforeAll(async () => {
    database = await createTestDatabase('tg_cnt_fold');
    opened = await openVitalsDatabase({ url: database.url, dataDir: '' });
    sql = postgres(database.url, { max: 2, onnotice: () => {} });
    await sql`select ensure_vital_sign_partitions(${['2025-01-01T00:00:00Z']}::timestamptz[])`;
  });

  afterAll(async () => {
    await sql?.end();
    await opened?.close();
    await database?.drop();
  });

  it('leaves alone the rows of a transaction still open, and never waits for it', async () => {
    for (let statement = 0; statement < 5; statement++) await insert(sql, [statement * 10, statement * 10 + 1]);
    expect(await countRows()).toEqual([2, 2, 2, 2, 2]);
    const importing = await sql.reserve();
    try {
      await importing`begin`;
      await insert(importing, [100, 101, 102]);
      await sql`set lock_timeout = '5s'`;
      expect(await compactVitalSignCounts(opened.db)).toBe(1);
      expect(await countRows()).toEqual([10]);
      await importing`commit`;
    } finally {
      await importing`rollback`.catch(() => {});
      importing.release();
    }
    expect(await countRows()).toEqual([3, 10]);
    expect(await compactVitalSignCounts(opened.db)).toBe(1);
    expect(await countRows()).toEqual([13]);
    expect(await compactVitalSignCounts(opened.db)).toBe(0);
  });

  it('keeps the count exact when the database owner deletes or moves readings by hand', async () => {
    // Readings are append-only for the app; only the owner, lifting that guard for a correction, can change them.
    await sql.begin(async (owner) => {
      await owner`alter table vital_signs disable trigger vital_signs_append_only`;
      await owner`delete from vital_signs where subject_id = ${subject} and recorded_at < timestamptz '2025-01-01 00:20'`;
      await owner`update vital_signs set site_id = '0b000000-0000-4000-8000-000000000002' where subject_id = ${subject} and recorded_at >= timestamptz '2025-01-01 01:40'`;
      await owner`alter table vital_signs enable trigger vital_signs_append_only`;
    });
    await compactVitalSignCounts(opened.db);
    const kept = await sql`select site_id, readings::int from vital_sign_counts where subject_id = ${subject} order by site_id`;
    const stored = await sql`select site_id, count(*)::int as readings from vital_signs where subject_id = ${subject} group by site_id order by site_id`;
    expect(kept.map((row) => [row.site_id, row.readings])).toEqual(stored.map((row) => [row.site_id, row.readings]));
    expect(stored.map((row) => row.readings)).toEqual([6, 3]);
  });
});

describe('counts of readings stored before the counting migration', () => {
  let database: TestDatabase;
  const directory = mkdtempSync(join(tmpdir(), 'tg-count-migrations-'));

  beforeAll(async () => {
    database = await createTestDatabase('tg_cnt_mig');
  });

  afterAll(async () => {
    rmSync(directory, { recursive: true, force: true });
    await database?.drop();
  });

  it('are counted when the migration applies, so an existing database reads exact totals at once', async () => {
    // The migrations as they were before the counts: the same folder, its journal cut before them.
    cpSync(vitalsMigrationsFolder, directory, { recursive: true });
    const journalPath = join(directory, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
    const firstCounting = journal.entries.findIndex((entry) => entry.tag.includes('vital_sign_counts'));
    expect(firstCounting).toBeGreaterThan(0);
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, firstCounting) }));
    const before = await openDatabase({ url: database.url, dataDir: '', name: 'vitals', schema: vitalsSchema, migrationsFolder: directory });
    const subjects = ['0c000000-0000-4000-8000-000000000001', '0c000000-0000-4000-8000-000000000002'];
    await before.db.execute(drizzleSql`
      insert into vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, recorded_by)
      select s, '0a000000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-000000000001', timestamptz '2025-01-01' + n * interval '1 minute', 70, 'old'
      from unnest(${`{${subjects.join(',')}}`}::uuid[]) with ordinality as u(s, k), generate_series(1, 1000 * k::int) as n`);
    await before.close();

    const after = await openVitalsDatabase({ url: database.url, dataDir: '' });
    try {
      const pages = await createVitalsLoaders(after.db, ADMIN, MAX_ROWS)
        .vitalsPage({ from: undefined, to: undefined, before: undefined, first: 1 })
        .loadMany(subjects);
      expect(pages.map((page) => (page instanceof Error ? page : page.totalCount))).toEqual([1000, 2000]);
    } finally {
      await after.close();
    }
  });
});

describe('counts and summaries on the embedded database (PGlite, as under npm start)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tg-count-pglite-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('applies the migrations and keeps exact counts for inserts and COPY', async () => {
    const opened = await openVitalsDatabase({ url: undefined, dataDir: directory });
    try {
      const subject = '0c000000-0000-4000-8000-000000000001';
      const scopeIds = `'0a000000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-000000000001'`;
      // The months are made first, as the app's writers make them (reading-partitions.ts), by the request role.
      await opened.db.execute(drizzleSql`select ensure_vital_sign_partitions(${'{2025-01-01T00:00:00Z,2025-02-01T00:00:00Z}'}::timestamptz[])`);
      await opened.db.execute(
        drizzleSql.raw(`insert into vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, temperature, recorded_by)
                        select '${subject}', ${scopeIds}, timestamptz '2025-01-01' + n * interval '1 hour', 60 + n, 36.5, 'test' from generate_series(0, 9) as n`),
      );
      const csv = Array.from(
        { length: 5 },
        (_, day) => `${subject},0a000000-0000-4000-8000-000000000001,0b000000-0000-4000-8000-000000000001,2025-02-0${day + 1}T00:00:00Z,90,copy`,
      ).join('\n');
      // COPY from a file needs the owner's rights; the request role (as under npm start) has only rows.
      await opened.pglite!.exec('reset role');
      await opened.pglite!.query(
        `copy vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, recorded_by) from '/dev/blob' with (format csv)`,
        [],
        {
          blob: new Blob([csv]),
        },
      );
      await opened.pglite!.exec(`set role ${VITALS_REQUEST_ROLE}`);
      const loaders = createVitalsLoaders(opened.db, ADMIN, MAX_ROWS);
      const page = await loaders.vitalsPage({ from: undefined, to: undefined, before: undefined, first: 2 }).load(subject);
      expect(page.totalCount).toBe(15);
      expect(page.edges.map((edge) => edge.node.recordedAt.toISOString())).toEqual(['2025-02-05T00:00:00.000Z', '2025-02-04T00:00:00.000Z']);
      const summary = await loaders.vitalsSummary({ from: new Date('2025-01-01T00:00:00Z'), to: new Date('2025-01-01T09:00:00Z') }).load(subject);
      expect(summary).toMatchObject({
        count: 10,
        heartRate: { count: 10, min: 60, max: 69, mean: 64.5 },
        temperature: { count: 10, min: 36.5, max: 36.5, mean: 36.5 },
      });
    } finally {
      await opened.close();
    }
  });
});
