import { Counter, Gauge, Histogram, metricsRegistry } from '@trialgraph/observability';
import type { ImportCounts } from './store.js';

/**
 * What the imports of this process did, counted once per import when it ends, from the same
 * numbers its report shows: a rolled-back import (ABORTED, FAILED, INTERRUPTED) reports its
 * rows as it stopped, so the rows counted always match what clients were told.
 */
const importRows = new Counter({
  name: 'trialgraph_import_rows_total',
  help: 'Rows of finished vitals imports, by outcome (accepted, rejected, duplicate)',
  labelNames: ['outcome'],
  registers: [metricsRegistry],
});

const imports = new Counter({
  name: 'trialgraph_imports_total',
  help: 'Vitals imports ended, by final status',
  labelNames: ['status'],
  registers: [metricsRegistry],
});

const importDuration = new Histogram({
  name: 'trialgraph_import_duration_seconds',
  help: 'Time from an import being recorded as RUNNING to its end, by final status',
  labelNames: ['status'],
  buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
  registers: [metricsRegistry],
});

const importsRunning = new Gauge({
  name: 'trialgraph_imports_running',
  help: 'Vitals imports running in this process now',
  registers: [metricsRegistry],
});

/** Starts counting one import; the returned function records how it ended. */
export function measureImport(): (status: string, counts: ImportCounts) => void {
  const started = process.hrtime.bigint();
  importsRunning.inc();
  let ended = false;
  return (status, counts) => {
    if (ended) return;
    ended = true;
    importsRunning.dec();
    importRows.inc({ outcome: 'accepted' }, counts.rowsAccepted);
    importRows.inc({ outcome: 'rejected' }, counts.rowsRejected);
    importRows.inc({ outcome: 'duplicate' }, counts.rowsDuplicate);
    imports.inc({ status });
    importDuration.observe({ status }, Number(process.hrtime.bigint() - started) / 1e9);
  };
}

const importBatches = new Counter({
  name: 'trialgraph_import_batches_total',
  help: 'Batches of vitals imports written, by path: copy (COPY in a savepoint), copy_refused (a COPY undone because it met a stored reading; the batch was then inserted and counted as insert too), insert (INSERT … ON CONFLICT first), compare (compared with the stored readings first, for a file sent again)',
  labelNames: ['path'],
  registers: [metricsRegistry],
});

/** How a batch was written: how much of an import took PostgreSQL's bulk path. */
export function countImportBatch(path: 'copy' | 'copy_refused' | 'insert' | 'compare'): void {
  importBatches.inc({ path });
}
