import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { CsvFileError, parseVitalsCsv } from '@trialgraph/csv';
import { formatImportReport, type ImportReport } from './import-report.js';

/**
 * `trialgraph validate FILE`: the import's own parser and checks, offline. Subjects and
 * duplicates need the server, so they are not checked here; everything about the file is.
 */
export async function validateFile(file: string, options: { timezone?: string; json?: boolean }): Promise<number> {
  const timezone = options.timezone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    process.stderr.write(`timezone "${timezone}" is not an IANA time zone such as UTC or Europe/Paris\n`);
    return 1;
  }
  try {
    statSync(file);
  } catch (error) {
    process.stderr.write(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}\n`);
    return 1;
  }
  const started = Date.now();
  const report: ImportReport = { status: 'VALID', fileName: basename(file), rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, rowsDuplicate: 0, errors: [] };
  try {
    for await (const batch of parseVitalsCsv(createReadStream(file, { highWaterMark: 256 * 1024 }), { timezone })) {
      report.rowsRead += batch.rowsRead;
      report.rowsAccepted += batch.rows.length;
      report.rowsRejected += batch.errors.length;
      for (const error of batch.errors) if (report.errors.length < 100_000) report.errors.push(error);
      report.bytesRead = batch.bytesRead;
    }
    if (report.rowsRejected > 0) report.status = 'INVALID ROWS';
  } catch (error) {
    if (!(error instanceof CsvFileError)) throw error;
    report.status = 'FAILED';
    report.failureReason = `${error.code}: ${error.message}`;
  }
  report.durationMs = Date.now() - started;
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatImportReport(report)}\n`);
  if (report.status === 'FAILED') return 1;
  return report.rowsRejected > 0 ? 2 : 0;
}
