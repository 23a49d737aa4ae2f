import type { SavepointCopy } from '@trialgraph/database';
import type { BatchTarget, StorableVital } from './write-batch.js';

/** The columns a batch fills, in the order of each COPY line; the others take their defaults. */
const COPY_STATEMENT =
  'copy vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, systolic, diastolic, temperature, respiratory_rate, spo2, import_id, source_line, recorded_by) from stdin';

/**
 * Bytes per chunk handed to the connection: a batch goes in a few large writes, each of which
 * waits for the event loop (busy with the next batch meanwhile), so PostgreSQL is kept fed.
 */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Stores a batch with COPY, PostgreSQL's bulk path, when none of its rows is stored already:
 * true when all went in (each row accepted), false when one met a stored (subject, recorded_at),
 * or a line before it in the batch, and nothing of the batch was stored. The statement-level
 * triggers that keep vital_sign_counts fire for COPY as for INSERT. `chunks` is the batch's
 * copyText, built ahead by VitalsBatchWriter.prepare while the write before ran.
 */
export function copyVitalsBatch(copy: SavepointCopy, chunks: Iterable<Uint8Array>): Promise<boolean> {
  return copy(COPY_STATEMENT, chunks);
}

/**
 * The rows in COPY's text format, the same values the INSERT path stores: recorded_at as the
 * ISO text of the same millisecond (to_timestamp there), measures as JavaScript prints them
 * (PostgreSQL reads the same digits into the same smallint or real), absent ones as \N.
 *
 * Each line is written into a buffer of about CHUNK_BYTES as it is made: for 1 M rows that took
 * 0.65–0.75 s in a micro-benchmark, joining the lines into strings of 320 lines 1.1 s and of
 * 4,096 lines (about a megabyte) 1.9–2.1 s, each line a rope of its parts flattened by the join.
 */
export function copyText(rows: readonly StorableVital[], target: BatchTarget): Buffer[] {
  // Fields shared by every line, escaped once (the actor is free text).
  const importId = copyField(target.importId);
  const actor = copyField(target.actor);
  const study = copyField(target.studyId);
  const chunks: Buffer[] = [];
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  for (const row of rows) {
    const line =
      `${row.subjectId}\t${study}\t${row.siteId}\t${isoInstant(row.recordedAtMs)}\t${copyNumber(row.heartRate)}\t` +
      `${copyNumber(row.systolic)}\t${copyNumber(row.diastolic)}\t${copyNumber(row.temperature)}\t${copyNumber(row.respiratoryRate)}\t` +
      `${copyNumber(row.spo2)}\t${importId}\t${row.line}\t${actor}\n`;
    // UTF-8 takes at most three bytes per UTF-16 unit: a line that might not fit starts the next chunk.
    const mostBytes = 3 * line.length;
    if (used + mostBytes > chunk.length) {
      if (used > 0) chunks.push(chunk.subarray(0, used));
      chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, mostBytes));
      used = 0;
    }
    used += chunk.write(line, used);
  }
  if (used > 0) chunks.push(chunk.subarray(0, used));
  return chunks;
}

const copyNumber = (value: number | null): string => (value === null ? '\\N' : String(value));

const DAY_MS = 86_400_000;
let cachedDay = Number.NaN;
let cachedDate = '';

/**
 * `new Date(ms).toISOString()`, built from the date of the day (kept, as a file's readings run
 * through few days) and arithmetic on the time of day: toISOString took 2 µs a row, more than the
 * rest of the line, and the parser already checked the instant lies between 1900 and now.
 */
export function isoInstant(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDate = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  const inDay = ms - day * DAY_MS;
  const hours = Math.floor(inDay / 3_600_000);
  const minutes = Math.floor(inDay / 60_000) % 60;
  const seconds = Math.floor(inDay / 1_000) % 60;
  const millis = inDay % 1_000;
  return `${cachedDate}${hours < 10 ? '0' : ''}${hours}:${minutes < 10 ? '0' : ''}${minutes}:${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A text field of COPY's text format: backslash, tab, newline and carriage return escaped; null as \N. */
function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/[\\\t\n\r]/g, (character) => COPY_ESCAPES[character] ?? character);
}
