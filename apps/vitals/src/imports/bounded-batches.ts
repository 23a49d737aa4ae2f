import type { Readable } from 'node:stream';
import { DEFAULT_MAX_LINE_LENGTH, parseVitalsCsv, type VitalsRowError } from '@trialgraph/csv';
import { StorableBatch } from './storable-batch.js';

export interface BatchBounds {
  timezone: string;
  /** Rows per batch: IMPORT_BATCH_SIZE. */
  maxRows: number;
  /** Bytes of the file one batch may span: MAX_IMPORT_BATCH_BYTES. */
  maxBytes: number;
}

/** Rows of an import's first batch, at most. */
const FIRST_BATCH_ROWS = 2_000;

/** A batch of the file: its good rows, keyed by patient_id until their subjects are assigned, and its bad ones. */
export interface ParsedBatch {
  batch: StorableBatch;
  errors: VitalsRowError[];
  /** Rows of this batch, good and bad. */
  rowsRead: number;
}

/**
 * The file's rows in batches that end at `maxRows` rows or once they span `maxBytes` of the
 * file, whichever comes first. A batch keeps the text of its bad cells (in errors) and its
 * distinct patient ids until it is handled: 2,000 rows of 60,000-character cells held 120 MB
 * and took vitals past its heap. The parser hands rows over in small steps, a quarter of
 * `maxBytes` even if every row is as long as it allows (64 Ki characters), so a batch holds at
 * most about 1.25 × `maxBytes` of text; an ordinary file still makes full batches of `maxRows`.
 * Each step's rows go into the batch's columns at once, so the parser's objects die young.
 *
 * The first batch is at most FIRST_BATCH_ROWS: PostgreSQL starts on it while the next is parsed,
 * instead of waiting for a whole batch to be read first; and a file sent again learns that its
 * rows are stored (a refused COPY) at the cost of that small batch.
 */
export async function* boundedBatches(file: Readable, bounds: BatchBounds): AsyncGenerator<ParsedBatch> {
  const stepRows = Math.max(16, Math.min(bounds.maxRows, Math.floor(bounds.maxBytes / 4 / DEFAULT_MAX_LINE_LENGTH)));
  // A batch ends after the step that reaches its size: it may hold up to a step's rows more.
  const newBatch = (): ParsedBatch => ({ batch: new StorableBatch(bounds.maxRows + stepRows), errors: [], rowsRead: 0 });
  let parsed = newBatch();
  let batchStart = 0;
  let batchRows = Math.min(bounds.maxRows, FIRST_BATCH_ROWS);
  for await (const step of parseVitalsCsv(file, { timezone: bounds.timezone, batchSize: stepRows, maxLineLength: DEFAULT_MAX_LINE_LENGTH })) {
    for (const row of step.rows) parsed.batch.push(row.line, row.recordedAt, row, row.patientId);
    for (const error of step.errors) parsed.errors.push(error);
    parsed.rowsRead += step.rowsRead;
    if (parsed.rowsRead >= batchRows || step.bytesRead - batchStart >= bounds.maxBytes) {
      yield parsed;
      parsed = newBatch();
      batchStart = step.bytesRead;
      batchRows = bounds.maxRows;
    }
  }
  if (parsed.rowsRead > 0) yield parsed;
}
