import type { Logger } from '@trialgraph/observability';
import type { VitalsDatabase } from '../db/client.js';
import type { ReceivedFile } from './receive-upload.js';
import { recordProgress, type ImportCounts } from './store.js';

/** What an import has done so far: updated by the run, shown by the progress writer. */
export interface ImportProgress {
  counts: ImportCounts;
  /** Set once the whole file has been received. */
  file: ReceivedFile | null;
}

export function newImportProgress(): ImportProgress {
  return { counts: { rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, rowsDuplicate: 0, bytesRead: 0 }, file: null };
}

/**
 * Copies an import's progress to its row every `intervalMs`, so `vitalsImport(id)` shows it
 * while the import runs: its own transaction cannot, since nothing it writes is seen before it
 * commits. Each write is one short statement on the pool, so no connection is held between
 * writes; a tick whose previous write has not finished (a busy pool) is skipped, not queued.
 * Returns the function that stops it.
 */
export function startProgressWriter(options: { db: VitalsDatabase; importId: string; progress: ImportProgress; intervalMs: number; log: Logger }): () => void {
  let writing = false;
  const timer = setInterval(() => {
    if (writing) return;
    writing = true;
    recordProgress(options.db, options.importId, options.progress)
      .catch((error: unknown) => options.log.warn({ err: error }, 'recording import progress failed'))
      .finally(() => {
        writing = false;
      });
  }, options.intervalMs);
  return () => clearInterval(timer);
}
