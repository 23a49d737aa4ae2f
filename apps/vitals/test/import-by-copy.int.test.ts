import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rowsOf, type OpenedDatabase } from '@trialgraph/database';
import { metricsRegistry } from '@trialgraph/observability';
import { createTestDatabase, type TestDatabase } from '@trialgraph/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVitalsDatabase, type VitalsDatabase } from '../src/db/client.js';
import type { VitalsSchema } from '../src/db/schema.js';
import { StorableBatch } from '../src/imports/storable-batch.js';
import { VitalsBatchWriter } from '../src/imports/vitals-batch-writer.js';
import { encodeVitalsBatch, insertVitalsBatch, type BatchOutcome, type BatchTarget, type StorableVital } from '../src/imports/write-batch.js';

const STUDY = '5a1d0000-0000-4000-8000-000000000001';
const SITE = '5a1d0000-0000-4000-8000-000000000002';
const SUBJECTS = ['5a1d0000-0000-4000-8000-0000000000a1', '5a1d0000-0000-4000-8000-0000000000a2', '5a1d0000-0000-4000-8000-0000000000a3'] as const;
const START = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

/** A reading of subject `subject` at minute `minute`, on line `line`; `heartRate` tells readings of the same key apart. */
function reading(line: number, subject: number, minute: number, heartRate = 60 + (minute % 40)): StorableVital {
  return {
    line,
    subjectId: SUBJECTS[subject]!,
    siteId: SITE,
    recordedAtMs: START + minute * MINUTE,
    heartRate,
    systolic: minute % 3 === 0 ? null : 120,
    diastolic: minute % 3 === 0 ? null : 80,
    temperature: minute % 2 === 0 ? 36.6 : null,
    respiratoryRate: null,
    spo2: 97,
  };
}

/** New readings of every subject from minute `from`, one a minute each, lines from `line`. */
function fresh(line: number, from: number, count: number): StorableVital[] {
  return Array.from({ length: count }, (_, index) => reading(line + index, index % SUBJECTS.length, from + Math.floor(index / SUBJECTS.length)));
}

/** The same reading on another line; `heartRate` changed makes it a conflicting one. */
const again = (row: StorableVital, line: number, heartRate = row.heartRate): StorableVital => ({ ...row, line, heartRate });

/**
 * A file as batches, and what its import must count: rows new to the table, repeats of readings
 * stored before it, and repeats within it (in one batch and across batches), each either identical
 * (a duplicate) or with other values (a CONFLICT, on its line).
 */
function mixedFile(stored: readonly StorableVital[]) {
  const first = fresh(2, 1_000, 60);
  const second = [...fresh(62, 2_000, 40), again(first[0]!, 102), again(first[1]!, 103, 99)];
  // In-file repeats inside one batch: the first line of each key goes in, the later one is counted.
  const inBatch = fresh(104, 3_000, 30);
  const third = [...inBatch, again(inBatch[0]!, 134), again(inBatch[1]!, 135, 98)];
  const fourth = [again(stored[0]!, 136), again(stored[1]!, 137), again(stored[2]!, 138, 97), ...fresh(139, 4_000, 20)];
  const batches = [first, second, third, fourth, fresh(159, 5_000, 60), fresh(219, 6_000, 60), fresh(279, 7_000, 60)];
  return {
    batches,
    expected: { accepted: 60 + 40 + 30 + 20 + 180, duplicateLines: [102, 134, 136, 137], conflictLines: [103, 135, 138] },
  };
}

interface Totals {
  accepted: number;
  duplicateLines: number[];
  conflictLines: number[];
}

const sum = (outcomes: readonly BatchOutcome[]): Totals => ({
  accepted: outcomes.reduce((total, outcome) => total + outcome.accepted, 0),
  duplicateLines: outcomes.flatMap((outcome) => outcome.duplicateLines).sort((a, b) => a - b),
  conflictLines: outcomes.flatMap((outcome) => outcome.conflictLines).sort((a, b) => a - b),
});

async function batchesWritten(path: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('trialgraph_import_batches_total')?.get();
  return metric?.values.find((value) => value.labels.path === path)?.value ?? 0;
}

/** Batches written by each path while `work` ran. */
async function pathsOf<T>(work: () => Promise<T>): Promise<{ result: T; copy: number; refused: number; insert: number; compare: number }> {
  const paths = ['copy', 'copy_refused', 'insert', 'compare'];
  const before = await Promise.all(paths.map(batchesWritten));
  const result = await work();
  const after = await Promise.all(paths.map(batchesWritten));
  const [copy, refused, insert, compare] = after.map((count, index) => count - before[index]!) as [number, number, number, number];
  return { result, copy, refused, insert, compare };
}

describe('an import stored with COPY where it can (real PostgreSQL)', () => {
  let copyDb: TestDatabase;
  let insertDb: TestDatabase;
  let directory: string;
  let copying: OpenedDatabase<VitalsSchema>;
  let inserting: OpenedDatabase<VitalsSchema>;
  const target: BatchTarget = { importId: null, studyId: STUDY, actor: 'importer\twith\\odd\nname' };
  const stored = fresh(10_000, 0, 30);

  /** Writes batches in one transaction as an import does: through the writer (COPY first) or straight through INSERT. */
  const viaWriter = (db: VitalsDatabase, batches: readonly StorableVital[][]) =>
    db.transaction(async (tx) => {
      const writer = new VitalsBatchWriter(tx, target);
      const outcomes: BatchOutcome[] = [];
      for (const batch of batches) outcomes.push(await writer.write(writer.prepare(StorableBatch.of(batch))));
      return outcomes;
    });
  const viaInsert = (db: VitalsDatabase, batches: readonly StorableVital[][]) =>
    db.transaction(async (tx) => {
      const outcomes: BatchOutcome[] = [];
      for (const batch of batches) outcomes.push(await insertVitalsBatch(tx, encodeVitalsBatch(batch), target));
      return outcomes;
    });

  /** Every stored reading, as it reads back, in key order. */
  const readings = async (db: VitalsDatabase) =>
    rowsOf<Record<string, unknown> & { source_line: number | null }>(
      await db.execute(sql`
        select subject_id, study_id, site_id, recorded_at, heart_rate, systolic, diastolic, temperature, respiratory_rate, spo2,
               import_id, source_line, recorded_by
        from vital_signs order by subject_id, recorded_at`),
    );
  /** Each subject's count kept by the triggers next to its rows really stored. */
  const counters = async (db: VitalsDatabase) =>
    rowsOf<{ subject_id: string; counted: number; stored: number }>(
      await db.execute(sql`
        select s.subject_id, coalesce(c.counted, 0)::int as counted, s.stored::int as stored
        from (select subject_id, count(*) as stored from vital_signs group by subject_id) s
        left join (select subject_id, sum(readings) as counted from vital_sign_counts group by subject_id) c using (subject_id)
        order by s.subject_id`),
    );

  beforeAll(async () => {
    [copyDb, insertDb] = await Promise.all([createTestDatabase('tg_copy_c'), createTestDatabase('tg_copy_i')]);
    directory = mkdtempSync(join(tmpdir(), 'tg-import-by-copy-'));
    [copying, inserting] = await Promise.all([
      openVitalsDatabase({ url: copyDb.url, dataDir: directory }),
      openVitalsDatabase({ url: insertDb.url, dataDir: directory }),
    ]);
    // Every reading here falls in January 2026: its month is made first, as every writer of the app does (reading-partitions.ts).
    for (const db of [copying.db, inserting.db])
      await db.execute(sql`select ensure_vital_sign_partitions(array[${new Date(START).toISOString()}::timestamptz])`);
    // Readings stored before the file, the same in both databases.
    for (const db of [copying.db, inserting.db]) await viaInsert(db, [stored]);
  });

  afterAll(async () => {
    await Promise.all([copying?.close(), inserting?.close()]);
    await Promise.all([copyDb?.drop(), insertDb?.drop()]);
    rmSync(directory, { recursive: true, force: true });
  });

  it('counts and stores a file of new rows, repeats of stored ones, in-file repeats and conflicts exactly as the INSERT path does', async () => {
    const file = mixedFile(stored);
    const { result: byCopy, ...paths } = await pathsOf(() => viaWriter(copying.db, file.batches));
    const byInsert = await viaInsert(inserting.db, file.batches);

    expect(sum(byCopy)).toEqual(file.expected);
    expect(sum(byInsert)).toEqual(file.expected);
    // Batch by batch too: the same lines accepted, duplicate and conflicting whichever path stored them.
    expect(byCopy.map((outcome) => ({ ...outcome, duplicateLines: outcome.duplicateLines.sort(), conflictLines: outcome.conflictLines.sort() }))).toEqual(
      byInsert.map((outcome) => ({ ...outcome, duplicateLines: outcome.duplicateLines.sort(), conflictLines: outcome.conflictLines.sort() })),
    );
    // COPY stored the first batch and met the repeats in the second; the batches after it went the INSERT
    // way until two of them had no repeat, and COPY stored the last.
    expect(paths).toEqual({ copy: 2, refused: 1, insert: 5, compare: 0 });

    const storedByCopy = await readings(copying.db);
    expect(storedByCopy).toEqual(await readings(inserting.db));
    expect(storedByCopy).toHaveLength(stored.length + file.expected.accepted);
    expect(storedByCopy.filter((row) => row.source_line !== null && row.source_line < 10_000)).toHaveLength(file.expected.accepted);
    const counted = await counters(copying.db);
    expect(counted.map((row) => row.counted)).toEqual(counted.map((row) => row.stored));
    expect(counted).toEqual(await counters(inserting.db));
  });

  it('stores nothing when the same file comes again, after one refused COPY, comparing before inserting', async () => {
    const file = mixedFile(stored);
    const before = { rows: await readings(copying.db), counts: await counters(copying.db) };
    const { result, ...paths } = await pathsOf(() => viaWriter(copying.db, file.batches));
    const again = sum(result);
    expect(again.accepted).toBe(0);
    expect(again.conflictLines).toEqual(file.expected.conflictLines);
    expect(again.duplicateLines).toHaveLength(file.batches.flat().length - file.expected.conflictLines.length);
    // Every batch of a re-sent file meets stored rows: one refused COPY tells, and once a batch was all
    // repeats the next ones are compared with what is stored before anything is inserted.
    expect(paths).toEqual({ copy: 0, refused: 1, insert: 1, compare: file.batches.length - 1 });
    expect({ rows: await readings(copying.db), counts: await counters(copying.db) }).toEqual(before);
  });

  it('stores every temperature as the INSERT path does, doubles halfway between two reals included, so the file sent again is all duplicates', async () => {
    // Fahrenheit read into °C gives long fractions; a double exactly halfway between two reals is
    // where COPY's binary real (rounded from the double) and the INSERT path's (read from its
    // decimal text) could part.
    let seed = 5;
    const next = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const halfwayAfter = (value: number) => {
      const bits = new Uint32Array(new Float32Array([value]).buffer);
      bits[0] = (bits[0] ?? 0) + 1;
      return (Math.fround(value) + new Float32Array(bits.buffer)[0]!) / 2;
    };
    const temperatures = [
      ...Array.from({ length: 1_500 }, () => ((90 + next() * 20 - 32) * 5) / 9),
      ...Array.from({ length: 1_500 }, () => halfwayAfter(30 + next() * 15)),
    ];
    const rows = temperatures.map((temperature, index) => ({ ...reading(20_000 + index, index % SUBJECTS.length, 20_000 + index), temperature }));
    const batches = [rows.slice(0, 1_000), rows.slice(1_000, 2_000), rows.slice(2_000)];
    const { result: byCopy, ...paths } = await pathsOf(() => viaWriter(copying.db, batches));
    await viaInsert(inserting.db, batches);
    expect(paths.copy).toBe(3);
    expect(sum(byCopy).accepted).toBe(rows.length);
    const readBack = async (db: VitalsDatabase) =>
      rowsOf<{ source_line: number; temperature: number }>(
        await db.execute(sql`select source_line, temperature from vital_signs where source_line >= 20000 order by source_line`),
      );
    const storedByCopy = await readBack(copying.db);
    const storedByInsert = await readBack(inserting.db);
    expect(storedByCopy).toHaveLength(rows.length);
    expect(storedByCopy.filter((row, index) => row.temperature !== (storedByInsert[index] as { temperature: number } | undefined)?.temperature)).toEqual([]);
    const again = sum(await viaWriter(copying.db, batches));
    expect(again).toEqual({ accepted: 0, duplicateLines: rows.map((row) => row.line), conflictLines: [] });
  });

  it('stores nothing of an import that fails after batches were stored with COPY', async () => {
    const before = { rows: await readings(copying.db), counts: await counters(copying.db) };
    let copied = 0;
    const failing = copying.db.transaction(async (tx) => {
      const writer = new VitalsBatchWriter(tx, target);
      for (const batch of [fresh(2, 9_000, 90), fresh(92, 9_100, 90)]) {
        ({ copy: copied } = await pathsOf(() => writer.write(writer.prepare(StorableBatch.of(batch)))));
        expect(copied).toBe(1);
      }
      throw new Error('the subjects service went away mid-file');
    });
    await expect(failing).rejects.toThrow('the subjects service went away mid-file');
    expect({ rows: await readings(copying.db), counts: await counters(copying.db) }).toEqual(before);
  });
});
