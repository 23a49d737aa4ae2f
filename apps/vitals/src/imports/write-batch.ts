import { sql } from 'drizzle-orm';
import type { VitalsDatabase } from '../db/client.js';
import { rowsOf } from '../db/rows-of.js';
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

const BATCH_COLUMNS = sql.raw(
  `b(line, subject_id, site_id, recorded_at_ms, heart_rate, systolic, diastolic, temperature, respiratory_rate, spo2)`,
);

function unnestBatch(rows: readonly StorableVital[]) {
  const column = <Value extends number | string | null>(pick: (row: StorableVital) => Value) => toArrayLiteral(rows.map(pick));
  return sql`unnest(
    ${column((row) => row.line)}::int[], ${column((row) => row.subjectId)}::uuid[], ${column((row) => row.siteId)}::uuid[],
    ${column((row) => row.recordedAtMs)}::float8[], ${column((row) => row.heartRate)}::int2[], ${column((row) => row.systolic)}::int2[],
    ${column((row) => row.diastolic)}::int2[], ${column((row) => row.temperature)}::real[],
    ${column((row) => row.respiratoryRate)}::int2[], ${column((row) => row.spo2)}::int2[]
  ) as ${BATCH_COLUMNS}`;
}

/**
 * Stores a batch in one statement and tells new rows from repeats. The unique key
 * (subject, recorded_at) decides: ON CONFLICT DO NOTHING skips what is stored already, and
 * RETURNING source_line names the lines that went in. Only when some did not (a re-sent
 * file) does a second statement compare them with what is stored, so a repeat with the same
 * values counts as a duplicate and one with other values as a conflict.
 */
export async function writeVitalsBatch(
  db: VitalsDatabase,
  rows: readonly StorableVital[],
  target: { importId: string | null; studyId: string; actor: string },
): Promise<BatchOutcome> {
  if (rows.length === 0) return { accepted: 0, duplicateLines: [], conflictLines: [] };
  const inserted = rowsOf<{ source_line: number }>(
    await db.execute(sql`
      insert into vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, systolic, diastolic, temperature,
                               respiratory_rate, spo2, import_id, source_line, recorded_by)
      select distinct on (b.subject_id, b.recorded_at_ms)
             b.subject_id, ${target.studyId}::uuid, b.site_id, to_timestamp(b.recorded_at_ms / 1000.0), b.heart_rate, b.systolic,
             b.diastolic, b.temperature, b.respiratory_rate, b.spo2, ${target.importId}::uuid, b.line, ${target.actor}
      from ${unnestBatch(rows)}
      order by b.subject_id, b.recorded_at_ms, b.line
      on conflict (subject_id, recorded_at) do nothing
      returning source_line`),
  );
  if (inserted.length === rows.length) return { accepted: rows.length, duplicateLines: [], conflictLines: [] };

  const insertedLines = new Set(inserted.map((row) => row.source_line));
  const repeats = rows.filter((row) => !insertedLines.has(row.line));
  const compared = rowsOf<{ line: number; identical: boolean }>(
    await db.execute(sql`
      select b.line,
             (v.heart_rate is not distinct from b.heart_rate and v.systolic is not distinct from b.systolic
              and v.diastolic is not distinct from b.diastolic and v.temperature is not distinct from b.temperature
              and v.respiratory_rate is not distinct from b.respiratory_rate and v.spo2 is not distinct from b.spo2) as identical
      from ${unnestBatch(repeats)}
      join vital_signs v on v.subject_id = b.subject_id and v.recorded_at = to_timestamp(b.recorded_at_ms / 1000.0)`),
  );
  const duplicateLines: number[] = [];
  const conflictLines: number[] = [];
  for (const row of compared) (row.identical ? duplicateLines : conflictLines).push(Number(row.line));
  if (duplicateLines.length + conflictLines.length !== repeats.length) {
    throw new Error(`batch accounting failed: ${repeats.length} repeats, ${compared.length} compared`);
  }
  return { accepted: inserted.length, duplicateLines, conflictLines };
}
