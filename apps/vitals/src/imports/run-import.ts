import type { Readable } from 'node:stream';
import { CsvFileError, parseVitalsCsv, type VitalsRow } from '@trialgraph/csv';
import type { Logger } from '@trialgraph/observability';
import type { VitalsDatabase } from '../db/client.js';
import type { SubjectsClient, SubjectSummary } from '../subjects-client.js';
import { countedUpload } from './counted-upload.js';
import { ImportFileError } from './import-file-error.js';
import type { ValidImportOptions } from './import-options.js';
import { claimRunningImport, finishImport, insertImportErrors, type ImportCounts, type RowErrorRecord } from './store.js';
import { encodeVitalsBatch, writeVitalsBatch, type StorableVital } from './write-batch.js';

export interface ImportRun {
  importId: string;
  studyId: string;
  actor: string;
  options: ValidImportOptions;
  stream: Readable;
  maxBytes: number;
  batchSize: number;
  /** Parsed batches allowed to wait for the database while the next one is parsed. */
  batchesInFlight: number;
  db: VitalsDatabase;
  subjects: SubjectsClient;
  signal: AbortSignal;
  logger: Logger;
  onProgress: (bytesRead: number) => void;
}

export type ImportEnd =
  /** `recorded`: its report was written in the transaction that stored its rows. */
  | { status: 'SUCCEEDED'; counts: ImportCounts; errors: RowErrorRecord[]; recorded?: boolean }
  | { status: 'ABORTED' | 'FAILED' | 'INTERRUPTED'; counts: ImportCounts; errors: RowErrorRecord[]; failureReason: string };

/** Thrown inside the transaction to roll it back; carries how the import ends. */
class RollBack extends Error {
  constructor(readonly end: ImportEnd) {
    super(end.status);
  }
}

/**
 * Streams the file through the parser into the database. The whole import is one
 * transaction: it stores every accepted row or, when it fails, aborts, is interrupted or is
 * a dry run, none. Parsing runs ahead of the database by at most `batchesInFlight` batches,
 * and the upload is read only as fast as that allows (backpressure to the client).
 */
export async function runImport(run: ImportRun): Promise<ImportEnd> {
  const counts: ImportCounts = { rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, rowsDuplicate: 0, bytesRead: 0 };
  const errors: RowErrorRecord[] = [];
  const keepError = (error: RowErrorRecord) => {
    counts.rowsRejected++;
    if (errors.length < run.options.maxErrors) errors.push(error);
  };
  const bytes = { bytes: 0 };
  const subjectsByNumber = new Map<string, SubjectSummary | null>();
  // A stalled upload never yields its next batch, so the signal must also end the read itself.
  const stopReading = () => run.stream.destroy(new Error('import interrupted'));
  run.signal.addEventListener('abort', stopReading, { once: true });

  try {
    await run.db.transaction(async (tx) => {
      let writes: Promise<void> = Promise.resolve();
      // One promise per queued batch, oldest first: the parser waits for a free slot, not for
      // the whole queue to drain, so the database always has the next batch ready.
      const inFlight: Promise<void>[] = [];
      const abortWith = (end: ImportEnd): never => {
        throw new RollBack(end);
      };
      // With onError ABORT, the first refused row (by the parser, the subject lookup or a
      // CONFLICT found by a write) ends the import; checked wherever a refusal may have landed.
      const abortOnRejection = () => {
        if (run.options.onError === 'ABORT' && counts.rowsRejected > 0) abortWith(abortedEnd(counts, errors));
      };
      // Holding the import's row tells every sweeper this import is alive, until the
      // transaction ends one way or another (see markDeadImportsInterrupted).
      if (!(await claimRunningImport(tx, run.importId))) {
        abortWith(interruptedEnd(counts, errors, 'the import was given up before it started; no row of it was stored: upload the file again'));
      }
      for await (const batch of parseVitalsCsv(countedUpload(run.stream, run.maxBytes, bytes), {
        timezone: run.options.timezone,
        batchSize: run.batchSize,
      })) {
        if (run.signal.aborted) abortWith(interruptedEnd(counts, errors, SERVICE_STOPPED));
        counts.rowsRead += batch.rowsRead;
        counts.bytesRead = bytes.bytes;
        for (const error of batch.errors) keepError(error);

        await resolveSubjects(run, subjectsByNumber, batch.rows);
        const storable: StorableVital[] = [];
        const rows = batch.rows;
        for (const row of rows) {
          const subject = subjectsByNumber.get(row.patientId.toUpperCase());
          if (!subject) {
            keepError({
              line: row.line,
              column: 'patient_id',
              value: row.patientId,
              code: 'UNKNOWN_SUBJECT',
              message: `no subject ${row.patientId} in this study (or not at a site you may import for)`,
            });
            continue;
          }
          storable.push(toStorable(row, subject));
        }
        abortOnRejection();

        // One connection owns the transaction, so writes queue; the parser moves on meanwhile.
        const encoded = encodeVitalsBatch(storable);
        writes = writes.then(async () => {
          const outcome = await writeVitalsBatch(tx, encoded, { importId: run.importId, studyId: run.studyId, actor: run.actor });
          counts.rowsAccepted += outcome.accepted;
          counts.rowsDuplicate += outcome.duplicateLines.length;
          if (outcome.conflictLines.length > 0) {
            const rowOfLine = new Map(rows.map((row) => [row.line, row]));
            for (const line of outcome.conflictLines) {
              const row = rowOfLine.get(line);
              keepError({
                line,
                column: 'record_time',
                value: row ? new Date(row.recordedAt).toISOString() : null,
                code: 'CONFLICT',
                message: `a vital sign of ${row?.patientId ?? 'this subject'} at this time is already stored with other values; it is not overwritten`,
              });
            }
          }
          run.onProgress(bytes.bytes);
        });
        // Marks the rejection handled now; it is still raised where `writes` is awaited.
        writes.catch(() => {});
        inFlight.push(writes);
        if (inFlight.length >= run.batchesInFlight) await inFlight.shift();
        abortOnRejection();
      }
      await writes;
      counts.bytesRead = bytes.bytes;
      abortOnRejection();
      if (run.options.dryRun) abortWith({ status: 'SUCCEEDED', counts, errors });
      // The report commits with the rows: once the claim is released, no sweeper can find
      // this import RUNNING with its rows stored and call it INTERRUPTED.
      await insertImportErrors(tx, run.importId, errors);
      if (!(await finishImport(tx, run.importId, { status: 'SUCCEEDED', counts }))) {
        abortWith(interruptedEnd(counts, errors, 'the import was given up while it ran; no row of it was stored: upload the file again'));
      }
    });
  } catch (error) {
    if (error instanceof RollBack) return error.end;
    counts.bytesRead = bytes.bytes;
    if (run.signal.aborted) return interruptedEnd(counts, errors, SERVICE_STOPPED);
    if (error instanceof CsvFileError || error instanceof ImportFileError) {
      return { status: 'FAILED', counts: { ...counts, rowsAccepted: 0, rowsDuplicate: 0 }, errors, failureReason: `${error.code}: ${error.message}` };
    }
    throw error;
  } finally {
    run.signal.removeEventListener('abort', stopReading);
  }
  return { status: 'SUCCEEDED', counts, errors, recorded: true };
}

const SERVICE_STOPPED = 'the service stopped before the import finished; no row of it was stored: upload the file again';

/** Rolled back: the report keeps what was read and refused, and accepts nothing. */
function interruptedEnd(counts: ImportCounts, errors: RowErrorRecord[], failureReason: string): ImportEnd {
  return { status: 'INTERRUPTED', counts: { ...counts, rowsAccepted: 0, rowsDuplicate: 0 }, errors, failureReason };
}

/** Nothing of an aborted file is stored, so every row read counts as rejected. */
function abortedEnd(counts: ImportCounts, errors: RowErrorRecord[]): ImportEnd {
  const first = errors[0];
  return {
    status: 'ABORTED',
    counts: { ...counts, rowsAccepted: 0, rowsDuplicate: 0, rowsRejected: counts.rowsRead },
    errors,
    failureReason: first ? `line ${first.line}: ${first.message} (onError: ABORT stores nothing of a file with a bad row)` : 'aborted',
  };
}

async function resolveSubjects(run: ImportRun, known: Map<string, SubjectSummary | null>, rows: readonly VitalsRow[]): Promise<void> {
  const missing = new Set<string>();
  for (const row of rows) {
    const number = row.patientId.toUpperCase();
    if (!known.has(number)) missing.add(number);
  }
  if (missing.size === 0) return;
  const found = await run.subjects.findSubjectsByNumbers(run.studyId, [...missing]);
  for (const subject of found) known.set(subject.subjectNumber, subject);
  for (const number of missing) if (!known.has(number)) known.set(number, null);
}

function toStorable(row: VitalsRow, subject: SubjectSummary): StorableVital {
  return {
    line: row.line,
    subjectId: subject.id,
    siteId: subject.siteId,
    recordedAtMs: row.recordedAt,
    heartRate: row.heartRate,
    systolic: row.systolic,
    diastolic: row.diastolic,
    temperature: row.temperature,
    respiratoryRate: row.respiratoryRate,
    spo2: row.spo2,
  };
}
