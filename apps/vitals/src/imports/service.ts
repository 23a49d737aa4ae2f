import { studyInScope } from '@trialgraph/auth';
import { importableSubjects } from './importable-subjects.js';
import type { Readable } from 'node:stream';
import { BadUserInputError, checkPageSize, NotFoundError, parseId, ServiceUnavailableError } from '@trialgraph/graphql-kit';
import type { FileUpload } from 'graphql-upload-minimal';
import type { ImportOptions } from '../__generated__/resolvers-types.js';
import type { VitalsContext } from '../context.js';
import type { VitalsImportErrorRow, VitalsImportRow } from '../db/schema.js';
import { validateImportOptions } from './import-options.js';
import { measureImport } from './import-metrics.js';
import { runImport } from './run-import.js';
import { findImportErrors, findImportsByIds, findImportsOfStudy, finishImport, insertImport, insertImportErrors, recordProgress } from './store.js';

const HEARTBEAT_MS = 5_000;

/** Checks the request, records the import as RUNNING, runs it, and records how it ended. */
export async function importVitals(
  context: VitalsContext,
  args: { studyId: string; file: Promise<FileUpload>; options?: ImportOptions | null },
): Promise<VitalsImportRow> {
  const options = validateImportOptions(args.options);
  const studyId = parseId(args.studyId, 'studyId');
  if (context.imports.closed) throw new ServiceUnavailableError('The vitals service is restarting; send the file again in a moment.');
  const upload = await args.file.catch((error: unknown) => {
    throw new BadUserInputError('file is missing or unreadable: send it as a multipart upload', { field: 'file', cause: error });
  });
  const stream = upload.createReadStream() as Readable;
  try {
    if (!studyInScope(context.access.scope('importVitals'), studyId)) throw new NotFoundError(`No study with id ${studyId}`);
    const study = await context.subjects.findStudy(studyId);
    if (!study) throw new NotFoundError(`No study with id ${studyId}`);
  } catch (error) {
    stream.resume();
    throw error;
  }

  const created = await insertImport(context.db, { studyId, fileName: upload.filename || 'upload.csv', options, actor: context.actor });
  const log = context.logger.child({ importId: created.id });
  const recordEnd = measureImport();
  log.info({ studyId, fileName: created.fileName, options }, 'import started');
  let lastBytes = 0;
  const heartbeat = setInterval(() => {
    recordProgress(context.db, created.id, { bytesRead: lastBytes }).catch((error: unknown) => log.warn({ err: error }, 'heartbeat failed'));
  }, HEARTBEAT_MS);

  // Tracked until its end is recorded, so a shutdown waits for that before closing the database.
  const runAndRecord = async (signal: AbortSignal) => {
    try {
      const end = await runImport({
        importId: created.id,
        studyId,
        actor: context.actor,
        options,
        stream,
        maxBytes: context.importSettings.maxUploadBytes,
        batchSize: context.importSettings.batchSize,
        batchesInFlight: context.importSettings.batchesInFlight,
        db: context.db,
        subjects: importableSubjects(context),
        signal,
        logger: log,
        onProgress: (bytesRead) => {
          lastBytes = bytesRead;
        },
      });
      clearInterval(heartbeat);
      // A stored import recorded its own end with its rows; the others rolled back and end here.
      const recorded = 'recorded' in end && end.recorded;
      if (!recorded) await insertImportErrors(context.db, created.id, end.errors);
      const finished = recorded
        ? undefined
        : await finishImport(context.db, created.id, {
            status: end.status,
            counts: end.counts,
            failureReason: 'failureReason' in end ? end.failureReason : null,
          });
      log.info({ status: end.status, ...end.counts }, 'import finished');
      recordEnd(end.status, end.counts);
      return finished;
    } catch (error) {
      clearInterval(heartbeat);
      log.error({ err: error }, 'import failed');
      const failedCounts = { rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, rowsDuplicate: 0, bytesRead: lastBytes };
      recordEnd('FAILED', failedCounts);
      await finishImport(context.db, created.id, {
        status: 'FAILED',
        counts: failedCounts,
        failureReason: 'an internal error stopped the import; no row of it was stored',
      }).catch(() => {});
      throw error;
    }
  };

  try {
    const finished = await context.imports.track(created.id, runAndRecord);
    // Read back when the import recorded its end with its rows, or a sweeper gave it up first.
    return finished ?? (await findImportsByIds(context.db, [created.id], context.access.scope('readImportReports')))[0] ?? created;
  } finally {
    // A client still sending gets its answer only once its upload is read: drain what is left.
    if (!stream.destroyed && !stream.readableEnded) stream.resume();
  }
}

export async function getImport(context: VitalsContext, id: string): Promise<VitalsImportRow | null> {
  return (await context.loaders.importById.load(parseId(id, 'id'))) ?? null;
}

export async function listImports(context: VitalsContext, studyId: string, first: number | null | undefined): Promise<VitalsImportRow[]> {
  const study = parseId(studyId, 'studyId');
  const limit = checkPageSize(first, 20, 100);
  const scope = context.access.scope('readImportReports');
  if (!studyInScope(scope, study)) throw new NotFoundError(`No study with id ${studyId}`);
  return findImportsOfStudy(context.db, study, limit, scope);
}

export function listImportErrors(
  context: VitalsContext,
  importRow: VitalsImportRow,
  args: { first?: number | null; after?: string | null },
): Promise<VitalsImportErrorRow[]> {
  const limit = checkPageSize(args.first, 100, 1000);
  const afterLine = args.after ? parseLine(args.after) : undefined;
  return findImportErrors(context.db, importRow.id, { afterLine, limit });
}

/** Errors page by line: `after` is the `line` of the last error the client has. */
function parseLine(after: string): number {
  const line = Number(after);
  if (!Number.isInteger(line) || line < 0) {
    throw new BadUserInputError(`"after" must be the line number of the last error you have, got "${after}"`, { field: 'after' });
  }
  return line;
}
