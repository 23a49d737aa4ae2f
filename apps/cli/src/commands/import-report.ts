import Table from 'cli-table3';
import { neutraliseFormula, showControlCharacters } from './untrusted-text.js';

export interface ImportReport {
  id?: string;
  status: string;
  fileName: string;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsDuplicate: number;
  bytesRead?: number;
  durationMs?: number | null;
  failureReason?: string | null;
  dryRun?: boolean;
  errors: Array<{ line: number; column: string | null; value: string | null; code: string; message: string }>;
}

const SHOWN_ERRORS = 20;

/** The report as a person reads it in a terminal: the counts, then the first row errors. Text from the file cannot drive the terminal. */
export function formatImportReport(report: ImportReport): string {
  const shown = showControlCharacters;
  const summary = new Table({ style: { head: [], border: [] } });
  summary.push(
    { status: `${report.status}${report.dryRun ? ' (dry run: nothing stored)' : ''}` },
    { file: shown(report.fileName) },
    { 'rows read': String(report.rowsRead) },
    { accepted: String(report.rowsAccepted) },
    { rejected: String(report.rowsRejected) },
    { duplicates: String(report.rowsDuplicate) },
  );
  if (report.durationMs !== undefined && report.durationMs !== null) {
    const rate = report.durationMs > 0 ? Math.round((report.rowsRead / report.durationMs) * 1000) : report.rowsRead;
    summary.push({ duration: `${(report.durationMs / 1000).toFixed(1)} s (${rate.toLocaleString('en-US')} rows/s)` });
  }
  if (report.failureReason) summary.push({ reason: shown(report.failureReason) });
  const lines = [summary.toString()];
  if (report.errors.length > 0) {
    // The code column fits the longest code (INVALID_BLOOD_PRESSURE): clients and people search by it.
    const errors = new Table({
      head: ['line', 'column', 'value', 'code', 'message'],
      style: { head: [], border: [] },
      wordWrap: true,
      colWidths: [8, 16, 18, 24, 50],
    });
    for (const error of report.errors.slice(0, SHOWN_ERRORS)) {
      errors.push([String(error.line), shown(error.column ?? ''), shown(error.value ?? ''), shown(error.code), shown(error.message)]);
    }
    lines.push(errors.toString());
    if (report.errors.length > SHOWN_ERRORS) lines.push(`… and ${report.errors.length - SHOWN_ERRORS} more (write them all with --errors-csv)`);
  }
  return lines.join('\n');
}

/**
 * Row errors as CSV, quoted per RFC 4180, for the hospital to fix its export in a spreadsheet:
 * a cell of theirs that would run as a formula there (=, +, -, @) is kept as text.
 */
export function rowErrorsToCsv(errors: ImportReport['errors']): string {
  const quote = (value: string | number | null) => {
    const text = value === null ? '' : typeof value === 'number' ? String(value) : neutraliseFormula(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const rows = errors.map((error) => [error.line, error.column, error.value, error.code, error.message].map(quote).join(','));
  return `${['line', 'column', 'value', 'code', 'message'].join(',')}\n${rows.join('\n')}${rows.length ? '\n' : ''}`;
}
