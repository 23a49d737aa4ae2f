import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { studyInScope } from '@trialgraph/auth';
import { importableSubjects } from './importable-subjects.js';
import { BadUserInputError, ConflictError, NotFoundError, parseId, ServiceUnavailableError, type Connection } from '@trialgraph/graphql-kit';
import type { FileUpload } from 'graphql-upload-minimal';
import type { ImportOptionsInput } from '../__generated__/resolvers-types.js';
import type { VitalsContext } from '../context.js';
import type { VitalsImportErrorRow, VitalsImportRow } from '../db/schema.js';
import { validateImportOptions, type ValidImportOptions } from './import-options.js';
import { formatBytes } from './counted-upload.js';
import { measureImport } from './import-metrics.js';
import { newImportProgress, startProgressWriter } from './import-progress.js';
import { filePartWithin } from './receive-upload.js';
import { runImport } from './run-import.js';
import { errorPageSize, importAfter, importErrorAfter, importPageSize, toImportConnection, toImportErrorConnection } from './import-pages.js';
import { countImportErrors, countImportsOfStudy, findImportErrorPage, findImportPage, findImportsByIds, finishImport, insertImport } from './store.js';

/** How often a running import's row shows its progress (and that it is alive): well within the 2 s clients may poll at. */
const PROGRESS_INTERVAL_MS = 1_000;

/**
 * Checks the request, claims and records the import as RUNNING, runs it, and records how it
 * ended. Refused at once, before any of the file is read, when MAX_CONCURRENT_IMPORTS run.
 */
export async function importVitals(
  context: VitalsContext,
  args: { studyId: string; file: Promise<FileUpload>; options?: ImportOptionsInput | null; importId?: string | null; fileSize?: number | null },
): Promise<VitalsImportRow> {
  const options = validateImportOptions(args.options);
  const studyId = parseId(args.studyId, 'studyId');
  const chosenId = args.importId == null ? undefined : parseId(args.importId, 'importId');
  const bytesTotal = args.fileSize == null ? null : checkFileSize(args.fileSize, context.importSettings.maxUploadBytes);
  const { imports } = context;
  if (imports.closed) throw new ServiceUnavailableError('The vitals service is restarting; send the file again in a moment.');
  if (!imports.tryReserve()) {
    throw new ServiceUnavailableError(
      `This vitals instance is already running ${imports.limits.maxConcurrentImports} imports, its limit (MAX_CONCURRENT_IMPORTS); send the file again when one has finished.`,
      { retryAfterSeconds: 30 },
    );
  }
  try {
    return await claimAndRun(context, { studyId, options, file: args.file, chosenId, bytesTotal });
  } finally {
    imports.releasePlace();
  }
}

async function claimAndRun(
  context: VitalsContext,
  args: { studyId: string; options: ValidImportOptions; file: Promise<FileUpload>; chosenId: string | undefined; bytesTotal: number | null },
): Promise<VitalsImportRow> {
  const { studyId, options } = args;
  const settings = context.importSettings;
  const upload = await filePartWithin(args.file, settings.uploadIdleTimeoutMs);
  const stream = upload.createReadStream() as Readable;
  try {
    if (!studyInScope(context.access.scope('importVitals'), studyId)) throw new NotFoundError(`No study with id ${studyId}`);
    const study = await context.subjects.findStudy(studyId);
    if (!study) throw new NotFoundError(`No study with id ${studyId}`);
  } catch (error) {
    stream.resume();
    throw error;
  }

  // Claimed before its row exists and released after its end is recorded: no sweeper, on any
  // instance, can find this import RUNNING and unclaimed while this process lives.
  let importId: string;
  try {
    importId = args.chosenId === undefined ? await claimNewImportId(context) : await claimChosenImportId(context, args.chosenId);
  } catch (error) {
    stream.resume();
    throw error;
  }
  let created: VitalsImportRow;
  try {
    const inserted = await insertImport(context.db, {
      id: importId,
      studyId,
      fileName: upload.filename || 'upload.csv',
      options,
      bytesTotal: args.bytesTotal,
      actor: context.actor,
    });
    if (!inserted) throw importIdTaken(importId);
    created = inserted;
  } catch (error) {
    stream.resume();
    await context.importClaims.release(importId).catch(() => {});
    throw error;
  }
  const log = context.logger.child({ importId });
  const recordEnd = measureImport();
  log.info({ studyId, fileName: created.fileName, options }, 'import started');
  const progress = newImportProgress();
  const stopProgress = startProgressWriter({ db: context.db, importId, progress, intervalMs: PROGRESS_INTERVAL_MS, log });

  // Tracked until its end is recorded, so a shutdown waits for that before closing the database.
  const runAndRecord = async (signal: AbortSignal) => {
    try {
      const end = await runImport({
        importId,
        studyId,
        actor: context.actor,
        options,
        stream,
        bytesTotal: args.bytesTotal,
        settings,
        db: context.db,
        partitions: context.readingPartitions,
        subjects: importableSubjects(context),
        signal,
        withDatabaseConnection: (stop, store) => context.imports.withDatabaseConnection(stop, store),
        progress,
      });
      stopProgress();
      // A stored import recorded its own end with its rows; the others rolled back and end here.
      const recorded = 'recorded' in end && end.recorded;
      const finished = recorded
        ? undefined
        : await finishImport(context.db, importId, {
            status: end.status,
            counts: end.counts,
            file: progress.file,
            failureReason: 'failureReason' in end ? end.failureReason : null,
            errors: end.errors,
          });
      log.info({ status: end.status, ...end.counts, ...('failureReason' in end ? { failureReason: end.failureReason } : {}) }, 'import finished');
      recordEnd(end.status, end.counts);
      return finished;
    } catch (error) {
      stopProgress();
      log.error({ err: error }, 'import failed');
      const failedCounts = { rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, rowsDuplicate: 0, bytesRead: progress.counts.bytesRead };
      recordEnd('FAILED', failedCounts);
      await finishImport(context.db, importId, {
        status: 'FAILED',
        counts: failedCounts,
        file: progress.file,
        failureReason: 'an internal error stopped the import; no row of it was stored',
        errors: [],
      }).catch(() => {});
      throw error;
    } finally {
      // Only now, with its end recorded (or the database unreachable), may a sweeper see it unclaimed.
      await context.importClaims.release(importId).catch((error: unknown) => log.warn({ err: error }, 'releasing the import claim failed'));
    }
  };

  try {
    const finished = await context.imports.track(importId, context.clientGone, runAndRecord);
    // Read back when the import recorded its end with its rows, or a sweeper gave it up first.
    return finished ?? (await findImportsByIds(context.db, [importId], context.access.scope('readImportReports')))[0] ?? created;
  } finally {
    // A client still sending gets its answer only once its upload is read: drain what is left.
    if (!stream.destroyed && !stream.readableEnded) stream.resume();
  }
}

/** A new import id whose claim this process holds. A taken key (another live import's, 1 in 2^64) just draws again. */
async function claimNewImportId(context: VitalsContext): Promise<string> {
  for (;;) {
    const id = randomUUID();
    let claimed: boolean;
    try {
      claimed = await context.importClaims.claim(id);
    } catch (error) {
      throw new ServiceUnavailableError('The vitals database is unreachable right now; send the file again in a moment.', {
        dependency: 'database',
        cause: error,
      });
    }
    if (claimed) return id;
  }
}

/** The id the client chose, claimed by this process; refused when a live import (on any instance) holds it. */
async function claimChosenImportId(context: VitalsContext, id: string): Promise<string> {
  let claimed: boolean;
  try {
    claimed = await context.importClaims.claim(id);
  } catch (error) {
    throw new ServiceUnavailableError('The vitals database is unreachable right now; send the file again in a moment.', {
      dependency: 'database',
      cause: error,
    });
  }
  if (!claimed) throw importIdTaken(id);
  return id;
}

const importIdTaken = (id: string) =>
  new ConflictError(`importId ${id} is the id of an import already: draw a new random UUID for each import; nothing was changed`, {
    extensions: { field: 'importId' },
  });

/** A declared file size: a whole number of bytes, refused at once when no upload may be that large. */
function checkFileSize(fileSize: number, maxUploadBytes: number): number {
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) {
    throw new BadUserInputError(`fileSize must be the file's size in bytes, a whole number of at least 0, got ${fileSize}`, { field: 'fileSize' });
  }
  if (fileSize > maxUploadBytes) {
    throw new BadUserInputError(`fileSize ${fileSize} is larger than the ${formatBytes(maxUploadBytes)} an import accepts (MAX_UPLOAD_BYTES); split the file`, {
      field: 'fileSize',
    });
  }
  return fileSize;
}

export async function getImport(context: VitalsContext, id: string): Promise<VitalsImportRow | null> {
  return (await context.loaders.importById.load(parseId(id, 'id'))) ?? null;
}

/** A study's import reports the caller may read, newest first: NOT_FOUND for a study outside their scope. */
export async function listImports(
  context: VitalsContext,
  args: { studyId: string; first?: number | null; after?: string | null },
): Promise<Connection<VitalsImportRow>> {
  const study = parseId(args.studyId, 'studyId');
  const first = importPageSize(args.first);
  const after = importAfter(args.after);
  const scope = context.access.scope('readImportReports');
  if (!studyInScope(scope, study)) throw new NotFoundError(`No study with id ${args.studyId}`);
  const [rows, totalCount] = await Promise.all([
    findImportPage(context.db, study, { after, limit: first + 1 }, scope),
    countImportsOfStudy(context.db, study, scope),
  ]);
  return toImportConnection(rows, { first, after, totalCount });
}

/** An earlier import that stored the same file in the study, when the caller may read it. */
export async function findSameFileImport(context: VitalsContext, importRow: VitalsImportRow): Promise<VitalsImportRow | null> {
  if (!importRow.sha256) return null;
  return (await context.loaders.sameFileImport.load(importRow.id)) ?? null;
}

/** A page of the row errors an import kept, in line order. */
export async function listImportErrors(
  context: VitalsContext,
  importRow: VitalsImportRow,
  args: { first?: number | null; after?: string | null },
): Promise<Connection<VitalsImportErrorRow>> {
  const first = errorPageSize(args.first);
  const after = importErrorAfter(args.after);
  const [rows, totalCount] = await Promise.all([
    findImportErrorPage(context.db, importRow.id, { after, limit: first + 1 }),
    countImportErrors(context.db, importRow.id),
  ]);
  return toImportErrorConnection(rows, { first, after, totalCount });
}
