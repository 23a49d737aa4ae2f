import type { Readable } from 'node:stream';
import { CsvFileError } from '@trialgraph/csv';
import type { ImportSettings } from '../context.js';
import type { VitalsDatabase } from '../db/client.js';
import type { ReadingPartitions } from '../vitals/reading-partitions.js';
import type { SubjectsClient } from '../subjects-client.js';
import { formatBytes } from './counted-upload.js';
import { failedEnd, stopOf, stoppedEnd, type ImportEnd } from './import-end.js';
import { ImportFileError } from './import-file-error.js';
import type { ValidImportOptions } from './import-options.js';
import { KeptRowErrors } from './kept-row-errors.js';
import { receiveUpload, type ReceivedFile } from './receive-upload.js';
import type { ImportProgress } from './import-progress.js';
import { storeUpload } from './store-upload.js';
import { SubjectLookup } from './subject-lookup.js';
import { UploadSpool } from './upload-spool.js';

export type { ImportEnd } from './import-end.js';

export interface ImportRun {
  importId: string;
  studyId: string;
  actor: string;
  options: ValidImportOptions;
  stream: Readable;
  /** The file's size as the client declared it, or null. */
  bytesTotal: number | null;
  settings: ImportSettings;
  db: VitalsDatabase;
  partitions: ReadingPartitions;
  subjects: SubjectsClient;
  /** Aborted with an ImportStop: the service is stopping, or the client left. */
  signal: AbortSignal;
  /** Runs the storing phase once one of the connections imports may hold is free (IMPORT_DATABASE_CONNECTIONS). */
  withDatabaseConnection: <T>(signal: AbortSignal, store: () => Promise<T>) => Promise<T>;
  /** Updated as the import goes: its counts, and the file once received. */
  progress: ImportProgress;
}

/**
 * An import in two phases. First the upload is received into a spool file at whatever pace
 * the client sends it, holding no database connection and no transaction: ten clients
 * trickling a byte every few seconds used to hold all ten of vitals' connections, each in an
 * open transaction, and every read hung. Then, once one of the connections imports may hold
 * is free, the file is parsed from the spool and stored in one transaction at database speed
 * (parsing overlaps the writes), all or nothing. The spool costs disk (at most
 * MAX_UPLOAD_BYTES per import) and the time to write and read the file back locally, which is
 * small next to the database's; an in-memory window ahead of the database would have kept
 * the transaction open whenever the client fell behind it.
 */
export async function runImport(run: ImportRun): Promise<ImportEnd> {
  const { counts } = run.progress;
  const errors = new KeptRowErrors({
    maxErrors: run.options.maxErrors,
    maxBytes: run.settings.maxErrorBytes,
    maxTextChars: run.settings.maxErrorTextChars,
  });
  const spool = await UploadSpool.create(run.settings.spoolDir);
  try {
    let received: ReceivedFile;
    try {
      received = await receiveUpload({
        stream: run.stream,
        spool,
        maxBytes: run.settings.maxUploadBytes,
        declaredBytes: run.bytesTotal,
        idleTimeoutMs: run.settings.uploadIdleTimeoutMs,
        signal: run.signal,
        onBytes: (bytes) => {
          counts.bytesRead = bytes;
        },
      });
    } catch (error) {
      // A closed connection breaks the upload a moment before the response says the client left.
      if (error instanceof ImportFileError && error.code === 'UPLOAD_INCOMPLETE') await new Promise((resolve) => setImmediate(resolve));
      const stop = stopOf(run.signal);
      if (stop?.why === 'CLIENT_LEFT') {
        return failedEnd(counts, errors.list, {
          code: 'UPLOAD_INCOMPLETE',
          message: `the upload stopped after ${formatBytes(counts.bytesRead)}: the client closed the connection; nothing was stored: send the file again`,
        });
      }
      if (stop) return stoppedEnd(stop, counts, errors.list);
      throw error;
    }

    run.progress.file = received;
    const subjects = new SubjectLookup({ subjects: run.subjects, studyId: run.studyId, cacheEntries: run.settings.subjectCacheEntries });
    return await run.withDatabaseConnection(run.signal, () =>
      storeUpload({
        importId: run.importId,
        studyId: run.studyId,
        actor: run.actor,
        options: run.options,
        file: spool.reader(),
        received,
        batchSize: run.settings.batchSize,
        maxBatchBytes: run.settings.maxBatchBytes,
        batchesInFlight: run.settings.batchesInFlight,
        db: run.db,
        partitions: run.partitions,
        subjects,
        signal: run.signal,
        counts,
        errors,
      }),
    );
  } catch (error) {
    const stop = stopOf(run.signal);
    if (stop) return stoppedEnd(stop, counts, errors.list);
    if (error instanceof CsvFileError || error instanceof ImportFileError) return failedEnd(counts, errors.list, error);
    throw error;
  } finally {
    await spool.close();
  }
}
