import { sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '@trialgraph/database';
import type { VitalsDatabase } from '../db/client.js';
import { measureColumn, sameStoredReading } from '../vitals/same-reading.js';
import { toArrayLiteral } from './pg-array.js';

/** A row ready to store: the subject resolved, values checked and in canonical units. */
export interface StorableVital {
  line: number;
  subjectId: string;
  siteId: string;
  recordedAtMs: number;
  heartRate: number | null;
  systolic: number | null;
  diastolic: number | null;
  temperature: number | null;
  respiratoryRate: number | null;
  spo2: number | null;
}

export interface BatchOutcome {
  accepted: number;
  /** Lines whose (subject, instant) was already stored with the same values. */
  duplicateLines: number[];
  /** Lines whose (subject, instant) was already stored with other values: never overwritten. */
  conflictLines: number[];
}

/** Where a batch's rows are stored: the import, the study, and who sent them. */
export interface BatchTarget {
  importId: string | null;
  studyId: string;
  actor: string;
}

/** A batch with its columns already encoded, so encoding overlaps the previous batch's write. */
export interface EncodedVitalsBatch {
  rows: readonly StorableVital[];
  unnest: SQL;
}

export function encodeVitalsBatch(rows: readonly StorableVital[]): EncodedVitalsBatch {
  return { rows, unnest: unnestBatch(rows) };
}

/**
 * The batch as a row source `b`. A batch names few subjects many times, so each subject and
 * its site travel once and rows carry their 1-based index: parsing two uuid arrays per row was
 * the largest share of the server's time per batch after the insert itself.
 */
function unnestBatch(rows: readonly StorableVital[]): SQL {
  const indexOfSubject = new Map<string, number>();
  const subjectIds: string[] = [];
  const siteIds: string[] = [];
  const subjectIndexes: number[] = [];
  for (const row of rows) {
    let index = indexOfSubject.get(row.subjectId);
    if (index === undefined) {
      subjectIds.push(row.subjectId);
      siteIds.push(row.siteId);
      index = subjectIds.length;
      indexOfSubject.set(row.subjectId, index);
    }
    subjectIndexes.push(index);
  }
  const column = (pick: (row: StorableVital) => number | string | null) => toArrayLiteral(rows.map(pick));
  return sql`(
    select u.line, (${toArrayLiteral(subjectIds)}::uuid[])[u.subject_index] as subject_id,
           (${toArrayLiteral(siteIds)}::uuid[])[u.subject_index] as site_id, u.recorded_at_ms, u.heart_rate, u.systolic,
           u.diastolic, u.temperature, u.respiratory_rate, u.spo2
    from unnest(
      ${column((row) => row.line)}::int[], ${toArrayLiteral(subjectIndexes)}::int[], ${column((row) => row.recordedAtMs)}::float8[],
      ${column((row) => row.heartRate)}::int2[], ${column((row) => row.systolic)}::int2[], ${column((row) => row.diastolic)}::int2[],
      ${column((row) => row.temperature)}::real[], ${column((row) => row.respiratoryRate)}::int2[], ${column((row) => row.spo2)}::int2[]
    ) as u(line, subject_index, recorded_at_ms, heart_rate, systolic, diastolic, temperature, respiratory_rate, spo2)
  ) as b`;
}

/**
 * The stored reading at each repeat's (subject, instant), looked up row by row: a LATERAL subquery
 * with a LIMIT is never flattened into a join, so each repeat is one probe of the unique index in
 * the one month (partition) its instant falls in, pruned at run time. As a plain join the planner
 * chose a hash join over every month of the table, reading all of it once per re-sent batch.
 */
const storedAtSameInstant = sql`select * from vital_signs where subject_id = b.subject_id and recorded_at = to_timestamp(b.recorded_at_ms / 1000.0) limit 1`;

/**
 * Stores a batch in one statement and tells new rows from repeats. The unique key
 * (subject, recorded_at) decides: ON CONFLICT DO NOTHING skips what is stored already, and
 * RETURNING source_line names the lines that went in. Only when some did not (a re-sent
 * file) does a second statement compare them with what is stored (compareWithStored), so a
 * repeat with the same values counts as a duplicate and one with other values as a conflict.
 */
export async function insertVitalsBatch(db: VitalsDatabase, batch: EncodedVitalsBatch, target: BatchTarget): Promise<BatchOutcome> {
  const rows = batch.rows;
  if (rows.length === 0) return { accepted: 0, duplicateLines: [], conflictLines: [] };
  // No `distinct on` (a sort per batch): a key repeated inside the batch is met in line order,
  // as unnest yields it, so the first line goes in and the later one conflicts like any repeat.
  const inserted = rowsOf<{ source_line: number }>(
    await db.execute(sql`
      insert into vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, systolic, diastolic, temperature,
                               respiratory_rate, spo2, import_id, source_line, recorded_by)
      select b.subject_id, ${target.studyId}::uuid, b.site_id, to_timestamp(b.recorded_at_ms / 1000.0), b.heart_rate, b.systolic,
             b.diastolic, b.temperature, b.respiratory_rate, b.spo2, ${target.importId}::uuid, b.line, ${target.actor}
      from ${batch.unnest}
      on conflict (subject_id, recorded_at) do nothing
      returning source_line`),
  );
  if (inserted.length === rows.length) return { accepted: rows.length, duplicateLines: [], conflictLines: [] };

  const insertedLines = new Set(inserted.map((row) => row.source_line));
  const repeats = rows.filter((row) => !insertedLines.has(row.line));
  const { duplicateLines, conflictLines } = await compareWithStored(db, unnestBatch(repeats));
  if (duplicateLines.length + conflictLines.length !== repeats.length) {
    throw new Error(`batch accounting failed: ${repeats.length} repeats, ${duplicateLines.length + conflictLines.length} compared`);
  }
  return { accepted: inserted.length, duplicateLines, conflictLines };
}

/**
 * Stores a batch expected to be mostly repeats (a file sent again) the other way round: one
 * statement compares every row with what is stored, and only the rows not found go through
 * insertVitalsBatch. A repeat then costs one index lookup instead of a refused insert and a
 * lookup, and the batch is encoded once instead of twice. The counts are the same either way.
 */
export async function compareThenInsertVitalsBatch(db: VitalsDatabase, batch: EncodedVitalsBatch, target: BatchTarget): Promise<BatchOutcome> {
  const rows = batch.rows;
  if (rows.length === 0) return { accepted: 0, duplicateLines: [], conflictLines: [] };
  const found = await compareWithStored(db, batch.unnest);
  if (found.duplicateLines.length + found.conflictLines.length === rows.length) return { accepted: 0, ...found };
  const foundLines = new Set([...found.duplicateLines, ...found.conflictLines]);
  const rest = await insertVitalsBatch(db, encodeVitalsBatch(rows.filter((row) => !foundLines.has(row.line))), target);
  return {
    accepted: rest.accepted,
    duplicateLines: [...found.duplicateLines, ...rest.duplicateLines],
    conflictLines: [...found.conflictLines, ...rest.conflictLines],
  };
}

/**
 * The rows of `batch` whose (subject, recorded_at) is stored, as duplicates (the same reading,
 * by sameStoredReading, the rule recordVitalSign follows too) and conflicts (other values).
 */
async function compareWithStored(db: VitalsDatabase, batch: SQL): Promise<Omit<BatchOutcome, 'accepted'>> {
  const compared = rowsOf<{ line: number; identical: boolean }>(
    await db.execute(sql`
      select b.line, (${sameStoredReading(
        (measure) => measureColumn('v', measure),
        (measure) => measureColumn('b', measure),
      )}) as identical
      from ${batch}
      cross join lateral (${storedAtSameInstant}) as v`),
  );
  const duplicateLines: number[] = [];
  const conflictLines: number[] = [];
  for (const row of compared) (row.identical ? duplicateLines : conflictLines).push(row.line);
  return { duplicateLines, conflictLines };
}
