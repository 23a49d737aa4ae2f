import type { SavepointCopy } from '@trialgraph/database';
import type { StorableBatch, StorableSubject } from './storable-batch.js';
import type { BatchTarget } from './write-batch.js';

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
 * The batch in COPY's text format, the same values the INSERT path stores: recorded_at as the
 * ISO text of the same millisecond (to_timestamp there), measures as JavaScript prints them
 * (PostgreSQL reads the same digits into the same smallint or real), absent ones as \N.
 *
 * Written byte by byte into buffers of about CHUNK_BYTES: the fields shared by a subject's lines
 * and by the batch are encoded once, whole numbers and instants are written as digits. Building
 * each line as a string first (13 parts, then the UTF-8 copy) allocated about a kilobyte a row,
 * which V8's young generation collected every 3 ms of an import.
 */
export function copyText(batch: StorableBatch, target: BatchTarget): Buffer[] {
  const study = copyField(target.studyId);
  // A subject's id, the study and its site begin each of its lines.
  const prefixes = new Map<StorableSubject, Buffer>();
  const prefixOf = (subject: StorableSubject) => {
    let prefix = prefixes.get(subject);
    if (prefix === undefined) {
      prefix = Buffer.from(`${copyField(subject.id)}\t${study}\t${copyField(subject.siteId)}\t`);
      prefixes.set(subject, prefix);
    }
    return prefix;
  };
  // The tab before the import id is the one every measure ends with.
  const beforeLine = Buffer.from(`${copyField(target.importId)}\t`);
  const afterLine = Buffer.from(`\t${copyField(target.actor)}\n`);
  const chunks: Buffer[] = [];
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  const bytes = (source: Uint8Array) => {
    chunk.set(source, used);
    used += source.length;
  };
  const measure = (value: number) => {
    if (Number.isNaN(value)) bytes(NULL_FIELD);
    else if (Number.isInteger(value) && value >= 0 && value <= MAX_DIGITS_VALUE) used = writeDigits(chunk, used, value);
    else used += chunk.write(String(value), used, 'latin1');
    chunk[used++] = TAB;
  };
  batch.forEachRow((line, subject, recordedAtMs, heartRate, systolic, diastolic, temperature, respiratoryRate, spo2) => {
    const prefix = prefixOf(subject);
    const mostBytes = prefix.length + VARIABLE_LINE_BYTES + beforeLine.length + afterLine.length;
    if (used + mostBytes > chunk.length) {
      if (used > 0) chunks.push(chunk.subarray(0, used));
      chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, mostBytes));
      used = 0;
    }
    bytes(prefix);
    used = writeIsoInstant(chunk, used, recordedAtMs);
    chunk[used++] = TAB;
    measure(heartRate);
    measure(systolic);
    measure(diastolic);
    measure(temperature);
    measure(respiratoryRate);
    measure(spo2);
    bytes(beforeLine);
    used = writeDigits(chunk, used, line);
    bytes(afterLine);
  });
  if (used > 0) chunks.push(chunk.subarray(0, used));
  return chunks;
}

const TAB = 9;
const DIGIT_0 = 48;
const NULL_FIELD = Buffer.from('\\N');
/** Whole numbers up to this are written digit by digit; others (never seen: measures are checked) as String() prints them. */
const MAX_DIGITS_VALUE = 2 ** 31 - 1;
/**
 * The most a line's own values take: an instant (24 bytes up to year 9999), six measures as
 * String() prints a double (at most 25 bytes) each with its tab, a line number and its tab.
 */
const VARIABLE_LINE_BYTES = 24 + 1 + 6 * 26 + 11;

/** Writes a whole number 0 ≤ value ≤ MAX_DIGITS_VALUE in decimal at `at`; returns where it ends. */
function writeDigits(target: Buffer, at: number, value: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let rest = value;
  for (let position = at + digits - 1; position >= at; position--) {
    target[position] = DIGIT_0 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return at + digits;
}

const DAY_MS = 86_400_000;
let cachedDay = Number.NaN;
let cachedDate = Buffer.alloc(0);

/**
 * Writes `new Date(ms).toISOString()` at `at` and returns where it ends: the date of the day
 * kept (a file's readings run through few days), the time of day written as digits.
 * toISOString took 2 µs a row, more than the rest of the line; the parser already checked the
 * instant lies between 1900 and now.
 */
export function writeIsoInstant(target: Buffer, at: number, ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    const iso = new Date(day * DAY_MS).toISOString();
    cachedDay = day;
    cachedDate = Buffer.from(iso.slice(0, iso.indexOf('T') + 1), 'latin1');
  }
  target.set(cachedDate, at);
  let position = at + cachedDate.length;
  const twoDigits = (value: number, after: number) => {
    target[position++] = DIGIT_0 + Math.floor(value / 10);
    target[position++] = DIGIT_0 + (value % 10);
    target[position++] = after;
  };
  const inDay = ms - day * DAY_MS;
  twoDigits(Math.floor(inDay / 3_600_000), 58); // ':'
  twoDigits(Math.floor(inDay / 60_000) % 60, 58); // ':'
  twoDigits(Math.floor(inDay / 1_000) % 60, 46); // '.'
  const millis = inDay % 1_000;
  target[position++] = DIGIT_0 + Math.floor(millis / 100);
  target[position++] = DIGIT_0 + (Math.floor(millis / 10) % 10);
  target[position++] = DIGIT_0 + (millis % 10);
  target[position++] = 90; // 'Z'
  return position;
}

const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A text field of COPY's text format: backslash, tab, newline and carriage return escaped; null as \N. */
function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/[\\\t\n\r]/g, (character) => COPY_ESCAPES[character] ?? character);
}
