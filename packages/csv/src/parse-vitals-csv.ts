import { CsvFileError } from './csv-file-error.js';
import { CsvRecordSplitter, type QuoteFault } from './csv-records.js';
import { createRecordTimeParser } from './record-time.js';
import { resolveVitalsColumns } from './vitals-columns.js';
import { createVitalsRowReader, type ReadRow, type VitalsRow, type VitalsRowError } from './vitals-row-reader.js';

export interface ParseVitalsOptions {
  /** IANA zone in which times without an offset are read. */
  timezone?: string;
  /** Rows (good and bad) per yielded batch. */
  batchSize?: number;
  /** The longest record accepted, in characters; longer means the file is not what it claims. */
  maxLineLength?: number;
  /** The clock against which IMPLAUSIBLE_TIME judges times in the future. */
  now?: () => number;
}

export interface VitalsBatch {
  rows: VitalsRow[];
  errors: VitalsRowError[];
  /** Rows of this batch, good and bad (blank lines are not rows). */
  rowsRead: number;
  /** Bytes of the file consumed so far. */
  bytesRead: number;
}

export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

/**
 * Streams a vitals CSV file into batches of checked rows and row errors, holding at most
 * one chunk of the file and the batches it completed. Faults of the whole file (no
 * header, not text, a runaway line, an unclosed quote) throw a `CsvFileError` instead.
 */
export async function* parseVitalsCsv(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: ParseVitalsOptions = {},
): AsyncGenerator<VitalsBatch> {
  const batchSize = options.batchSize ?? 5_000;
  const parseTime = createRecordTimeParser(options.timezone ?? 'UTC');
  const now = options.now ?? Date.now;
  const splitter = new CsvRecordSplitter(options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // Set inside `sink`, which TypeScript does not follow: typed here so the later null check stays.
  let readRow = null as ReadRow | null;
  let bytesRead = 0;
  let rowsTotal = 0;
  let current: VitalsBatch = { rows: [], errors: [], rowsRead: 0, bytesRead: 0 };
  const completed: VitalsBatch[] = [];

  const sink = (fields: string[], line: number, fault: QuoteFault | null) => {
    if (readRow === null) {
      if (fields.every((field) => field.trim().length === 0)) return;
      readRow = createVitalsRowReader({
        columns: resolveVitalsColumns(fields, line),
        parseTime,
        now,
        decimalComma: splitter.delimiter !== ',',
      });
      return;
    }
    const outcome = readRow(fields, line, fault);
    if (outcome === null) return;
    rowsTotal++;
    if ('code' in outcome) current.errors.push(outcome);
    else current.rows.push(outcome);
    if (++current.rowsRead >= batchSize) {
      completed.push(current);
      current = { rows: [], errors: [], rowsRead: 0, bytesRead: 0 };
    }
  };

  const flush = function* () {
    for (const batch of completed) {
      batch.bytesRead = bytesRead;
      yield batch;
    }
    completed.length = 0;
  };

  let first = true;
  for await (const chunk of source) {
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
      bytesRead += Buffer.byteLength(chunk);
    } else {
      bytesRead += chunk.byteLength;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw notText(`the bytes near byte ${bytesRead - chunk.byteLength} are not valid UTF-8`);
      }
    }
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text.includes('\u0000')) throw notText('it contains NUL bytes, as binary files and UTF-16 text do');
    splitter.push(text, sink);
    yield* flush();
  }
  try {
    splitter.push(decoder.decode(), sink);
  } catch (error) {
    if (error instanceof TypeError) throw notText('it ends in the middle of a UTF-8 character');
    throw error;
  }
  splitter.end(sink);
  if (readRow === null) throw new CsvFileError('EMPTY_FILE', 'the file is empty: it needs a header line and at least one row');
  if (current.rowsRead > 0) completed.push(current);
  if (rowsTotal === 0) {
    throw new CsvFileError('EMPTY_FILE', 'the file has a header but no rows');
  }
  yield* flush();
}

function notText(reason: string): CsvFileError {
  return new CsvFileError('NOT_TEXT', `the file is not UTF-8 text: ${reason}. Export it as CSV (UTF-8)`);
}
