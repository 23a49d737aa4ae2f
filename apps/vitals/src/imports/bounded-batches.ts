import type { Readable } from 'node:stream';
import { DEFAULT_MAX_LINE_LENGTH, parseVitalsCsv, type VitalsBatch } from '@trialgraph/csv';

export interface BatchBounds {
  timezone: string;
  /** Rows per batch: IMPORT_BATCH_SIZE. */
  maxRows: number;
  /** Bytes of the file one batch may span: MAX_IMPORT_BATCH_BYTES. */
  maxBytes: number;
}

/**
 * The file's rows in batches that end at `maxRows` rows or once they span `maxBytes` of the
 * file, whichever comes first. A batch of rows keeps the text of its bad cells (in errors) and
 * its patient ids until it is handled: 2,000 rows of 60,000-character cells held 120 MB and
 * took vitals past its heap. The parser hands rows over in small steps, a quarter of
 * `maxBytes` even if every row is as long as it allows (64 Ki characters), so a batch holds at
 * most about 1.25 × `maxBytes` of text; an ordinary file still makes full batches of `maxRows`.
 */
export async function* boundedBatches(file: Readable, bounds: BatchBounds): AsyncGenerator<Omit<VitalsBatch, 'bytesRead'>> {
  const stepRows = Math.max(16, Math.min(bounds.maxRows, Math.floor(bounds.maxBytes / 4 / DEFAULT_MAX_LINE_LENGTH)));
  let batch: Omit<VitalsBatch, 'bytesRead'> = { rows: [], errors: [], rowsRead: 0 };
  let batchStart = 0;
  for await (const step of parseVitalsCsv(file, { timezone: bounds.timezone, batchSize: stepRows, maxLineLength: DEFAULT_MAX_LINE_LENGTH })) {
    for (const row of step.rows) batch.rows.push(row);
    for (const error of step.errors) batch.errors.push(error);
    batch.rowsRead += step.rowsRead;
    if (batch.rowsRead >= bounds.maxRows || step.bytesRead - batchStart >= bounds.maxBytes) {
      yield batch;
      batch = { rows: [], errors: [], rowsRead: 0 };
      batchStart = step.bytesRead;
    }
  }
  if (batch.rowsRead > 0) yield batch;
}
