import type { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { VitalsDatabase } from '../db/client.js';
import type { ReadingPartitions } from '../vitals/reading-partitions.js';
import { boundedBatches } from './bounded-batches.js';
import { abortedEnd, interruptedEnd, stopOf, stoppedEnd, type ImportEnd } from './import-end.js';
import type { ValidImportOptions } from './import-options.js';
import type { KeptRowErrors } from './kept-row-errors.js';
import { OrderedWrites } from './ordered-writes.js';
import type { ReceivedFile } from './receive-upload.js';
import { claimRunningImport, finishImport, type ImportCounts } from './store.js';
import type { SubjectLookup } from './subject-lookup.js';
import { VitalsBatchWriter } from './vitals-batch-writer.js';
import type { StorableVital } from './write-batch.js';

export interface UploadToStore {
  importId: string;
  studyId: string;
  actor: string;
  options: ValidImportOptions;
  /** The received file, read from the spool at disk speed. */
  file: Readable;
  /** Its size and hash, recorded with the report. */
  received: ReceivedFile;
  /** Rows per batch: IMPORT_BATCH_SIZE. */
  batchSize: number;
  /** Bytes of the file one batch may span: MAX_IMPORT_BATCH_BYTES. */
  maxBatchBytes: number;
  /** Parsed batches allowed to wait for the database while the next one is parsed. */
  batchesInFlight: number;
  db: VitalsDatabase;
  /** Makes the month of each reading before a batch is written. */
  partitions: ReadingPartitions;
  subjects: SubjectLookup;
  signal: AbortSignal;
  counts: ImportCounts;
  errors: KeptRowErrors;
}

/**
 * A file whose rows are all refused (unknown subjects, say) sends no statement while it is read,
 * and PostgreSQL ends a transaction idle for DB_IDLE_IN_TRANSACTION_TIMEOUT_MS (60 s by default)
 * under an import that is alive and working: past this long without a statement, one is sent.
 */
const KEEP_ALIVE_AFTER_MS = 5_000;

/** Thrown inside the transaction to roll it back; carries how the import ends. */
class RollBack extends Error {
  constructor(readonly end: ImportEnd) {
    super(end.status);
  }
}

/**
 * Stores a received file in one transaction: every accepted row or, when the import fails, is
 * aborted or stopped, or is a dry run, none. Parsing runs ahead of the database by at most
 * `batchesInFlight` batches. Errors other than a planned ending (the parser's file faults,
 * the subjects service, the database) are thrown after the rollback, with every write settled.
 */
export async function storeUpload(run: UploadToStore): Promise<ImportEnd> {
  const { counts, errors } = run;
  const refuse = (error: Parameters<KeptRowErrors['add']>[0]) => {
    counts.rowsRejected++;
    errors.add(error);
  };
  const abortWith = (end: ImportEnd): never => {
    throw new RollBack(end);
  };
  // With onError ABORT, the first refused row (by the parser, the subject lookup or a CONFLICT
  // found by a write) ends the import; checked wherever a refusal may have landed.
  const abortOnRejection = () => {
    if (run.options.onError === 'ABORT' && counts.rowsRejected > 0) abortWith(abortedEnd(counts, errors.list));
  };
  const stopIfTold = () => {
    const stop = stopOf(run.signal);
    if (stop) abortWith(stoppedEnd(stop, counts, errors.list));
  };
  // A stop must end the read even while a write or a subjects call is pending.
  const stopReading = () => run.file.destroy();
  run.signal.addEventListener('abort', stopReading, { once: true });

  try {
    await run.db.transaction(async (tx) => {
      const writes = new OrderedWrites(run.batchesInFlight);
      const writer = new VitalsBatchWriter(tx, { importId: run.importId, studyId: run.studyId, actor: run.actor });
      try {
        // Holding the import's row also keeps sweepers of older versions away (see markDeadImportsInterrupted).
        if (!(await claimRunningImport(tx, run.importId))) {
          abortWith(interruptedEnd(counts, errors.list, 'the import was given up before it started; no row of it was stored: upload the file again'));
        }
        // The subject number of each subject stored, for CONFLICT messages: the file's own spelling
        // may be any length, and a kept slice of it would keep its whole chunk of the file alive.
        const numbers = new Map<string, string>();
        let lastStatementAt = Date.now();
        for await (const { batch, errors: rowErrors, rowsRead } of boundedBatches(run.file, {
          timezone: run.options.timezone,
          maxRows: run.batchSize,
          maxBytes: run.maxBatchBytes,
        })) {
          stopIfTold();
          counts.rowsRead += rowsRead;
          for (const error of rowErrors) refuse(error);

          const subjects = await run.subjects.resolve(batch.subjectKeys(), batch.lineRange());
          stopIfTold();
          for (const subject of subjects.values()) numbers.set(subject.id, subject.subjectNumber);
          batch.assignSubjects(subjects, (line, patientId) => refuse(unknownSubject(line, patientId, errors.full)));
          abortOnRejection();

          // One connection owns the transaction, so writes queue; the parser moves on meanwhile.
          const prepared = writer.prepare(batch);
          await writes.push(async () => {
            if (prepared.batch.length === 0) {
              if (Date.now() - lastStatementAt < KEEP_ALIVE_AFTER_MS) return;
              await tx.execute(sql`select 1`);
              lastStatementAt = Date.now();
              return;
            }
            await run.partitions.ensure(prepared.batch.recordedAtMs(), tx);
            const outcome = await writer.write(prepared);
            lastStatementAt = Date.now();
            counts.rowsAccepted += outcome.accepted;
            counts.rowsDuplicate += outcome.duplicateLines.length;
            if (outcome.conflictLines.length > 0) {
              const rowOfLine = new Map(prepared.batch.rows().map((row) => [row.line, row]));
              for (const line of outcome.conflictLines) refuse(conflict(line, rowOfLine.get(line), numbers));
            }
          });
          abortOnRejection();
        }
        await writes.drain();
        stopIfTold();
        abortOnRejection();
        if (run.options.dryRun) abortWith({ status: 'SUCCEEDED', counts, errors: errors.list });
        // The report commits with the rows, and the claim is released only after the commit, so
        // no sweeper can find this import RUNNING with its rows stored and call it INTERRUPTED.
        if (!(await finishImport(tx, run.importId, { status: 'SUCCEEDED', counts, file: run.received, errors: errors.list }))) {
          abortWith(interruptedEnd(counts, errors.list, 'the import was given up while it ran; no row of it was stored: upload the file again'));
        }
      } finally {
        await writes.settle();
      }
    });
  } catch (error) {
    if (error instanceof RollBack) return error.end;
    // Reading the spool was cut by the stop: that, not the broken read, is how it ended.
    const stop = stopOf(run.signal);
    if (stop) return stoppedEnd(stop, counts, errors.list);
    throw error;
  } finally {
    run.signal.removeEventListener('abort', stopReading);
    run.file.destroy();
  }
  return { status: 'SUCCEEDED', counts, errors: errors.list, recorded: true };
}

function unknownSubject(line: number, patientId: string, reportFull: boolean) {
  return {
    line,
    column: 'patient_id',
    value: patientId,
    code: 'UNKNOWN_SUBJECT',
    // Not built when it will not be kept: the id may be a 60,000-character cell.
    message: reportFull ? '' : `no subject ${patientId} in this study (or not at a site you may import for)`,
  };
}

function conflict(line: number, row: StorableVital | undefined, numbers: ReadonlyMap<string, string>) {
  return {
    line,
    column: 'record_time',
    value: row ? new Date(row.recordedAtMs).toISOString() : null,
    code: 'CONFLICT',
    message: `a vital sign of ${(row && numbers.get(row.subjectId)) ?? 'this subject'} at this time is already stored with other values; it is not overwritten`,
  };
}
