import { IMPORT_FAILURE_CODES, type ImportFailureCode } from '@trialgraph/csv';
import type { ImportCounts, RowErrorRecord } from './store.js';

/** How an import ended, as its report will say. */
export type ImportEnd =
  /** `recorded`: its report was written in the transaction that stored its rows. */
  | { status: 'SUCCEEDED'; counts: ImportCounts; errors: RowErrorRecord[]; recorded?: boolean }
  | { status: 'ABORTED' | 'FAILED' | 'INTERRUPTED'; counts: ImportCounts; errors: RowErrorRecord[]; failureReason: string };

/** Why an import was told to stop before its end: the abort reason of its signal. */
export class ImportStop extends Error {
  constructor(readonly why: 'SHUTDOWN' | 'CLIENT_LEFT') {
    super(why === 'SHUTDOWN' ? 'the service is stopping' : 'the client closed its connection');
    this.name = 'ImportStop';
  }
}

export function stopOf(signal: AbortSignal): ImportStop | undefined {
  if (!signal.aborted) return undefined;
  return signal.reason instanceof ImportStop ? signal.reason : new ImportStop('SHUTDOWN');
}

export const SERVICE_STOPPED = 'the service stopped before the import finished; no row of it was stored: upload the file again';
export const CLIENT_LEFT = 'the client closed its connection before the import finished; no row of it was stored: upload the file again';

/** Rolled back: the report keeps what was read and refused, and accepts nothing. */
export function interruptedEnd(counts: ImportCounts, errors: RowErrorRecord[], failureReason: string): ImportEnd {
  return { status: 'INTERRUPTED', counts: { ...counts, rowsAccepted: 0, rowsDuplicate: 0 }, errors, failureReason };
}

/** Ended by a stop: the service's shutdown, or the client that left. */
export function stoppedEnd(stop: ImportStop, counts: ImportCounts, errors: RowErrorRecord[]): ImportEnd {
  return interruptedEnd(counts, errors, stop.why === 'SHUTDOWN' ? SERVICE_STOPPED : CLIENT_LEFT);
}

/** A fault of the whole import (its file, its upload, a dependency): nothing stored, the code leads the reason. */
export function failedEnd(counts: ImportCounts, errors: RowErrorRecord[], fault: { code: string; message: string }): ImportEnd {
  return { status: 'FAILED', counts: { ...counts, rowsAccepted: 0, rowsDuplicate: 0 }, errors, failureReason: `${fault.code}: ${fault.message}` };
}

/** The file fault a FAILED import's reason begins with (see failedEnd), or null for faults that are not the file's. */
export function failureCodeOf(status: string, failureReason: string | null): ImportFailureCode | null {
  if (status !== 'FAILED' || failureReason === null) return null;
  const leading = failureReason.slice(0, failureReason.indexOf(':'));
  return IMPORT_FAILURE_CODES.find((code) => code === leading) ?? null;
}

/** Nothing of an aborted file is stored, so every row read counts as rejected. */
export function abortedEnd(counts: ImportCounts, errors: RowErrorRecord[]): ImportEnd {
  const first = errors[0];
  return {
    status: 'ABORTED',
    counts: { ...counts, rowsAccepted: 0, rowsDuplicate: 0, rowsRejected: counts.rowsRead },
    errors,
    failureReason: first ? `line ${first.line}: ${first.message} (onError: ABORT stores nothing of a file with a bad row)` : 'aborted',
  };
}
