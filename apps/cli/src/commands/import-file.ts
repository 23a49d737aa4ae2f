import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fetchImportErrors, IMPORT_ERRORS_PAGE, importVitalsFile, type ImportVitalsResult } from '@trialgraph/upload-client';
import { SingleBar } from 'cli-progress';
import { formatImportReport, rowErrorsToCsv, type ImportReport } from './import-report.js';

export interface ImportFileOptions {
  study: string;
  gateway: string;
  token?: string;
  abortOnError?: boolean;
  dryRun?: boolean;
  timezone?: string;
  json?: boolean;
  errorsCsv?: string | boolean;
}

/**
 * `trialgraph import FILE`: streams the file to the gateway, shows progress (bytes and rows
 * sent per second), prints the report, and returns the exit code: 0 all stored, 2 some rows
 * rejected, 1 the import failed or was refused.
 */
export async function importFile(file: string, options: ImportFileOptions): Promise<number> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    process.stderr.write(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}\n`);
    return 1;
  }
  const progress = createProgress(size);
  // Lines sent, less the header: what "rows" means in the report.
  let linesSent = 0;
  const rowsSent = () => Math.max(0, linesSent - 1);
  async function* countingRows(): AsyncGenerator<Uint8Array> {
    for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
      for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1)) linesSent++;
      yield chunk;
    }
  }
  let result: ImportVitalsResult;
  try {
    result = await importVitalsFile({
      url: options.gateway,
      studyId: options.study,
      file: countingRows(),
      fileName: basename(file),
      importOptions: {
        onError: options.abortOnError ? 'ABORT' : 'SKIP',
        dryRun: options.dryRun ?? false,
        timezone: options.timezone ?? 'UTC',
        maxErrors: 100_000,
      },
      ...(options.token ? { token: options.token } : {}),
      onBytesSent: (bytes) => progress.update(bytes, rowsSent()),
    });
  } catch (error) {
    progress.stop();
    const cause = (error as { code?: string }).code ?? (error as Error).message;
    process.stderr.write(`cannot reach the gateway at ${options.gateway} (${cause}): is trialgraph running there?\n`);
    return 1;
  }
  progress.stop();

  const report = result.data?.importVitals as ImportReport | undefined;
  if (!report) {
    const error = result.errors?.[0];
    process.stderr.write(`import refused: ${error?.message ?? `HTTP ${result.status}`}${error?.extensions?.code ? ` (${error.extensions.code})` : ''}\n`);
    return 1;
  }
  const lastShown = report.errors.at(-1);
  if (report.errors.length === IMPORT_ERRORS_PAGE && report.id && lastShown) {
    // The answer carries the first page of row errors; the import kept up to 100,000.
    const rest = await fetchImportErrors({
      url: options.gateway,
      importId: report.id,
      afterLine: lastShown.line,
      ...(options.token ? { token: options.token } : {}),
    });
    report.errors.push(...rest);
  }
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatImportReport(report)}\n`);
  if (options.errorsCsv && report.errors.length > 0) {
    const target = typeof options.errorsCsv === 'string' ? options.errorsCsv : `${file}.errors.csv`;
    writeFileSync(target, rowErrorsToCsv(report.errors));
    process.stderr.write(`row errors written to ${target}\n`);
  }
  if (report.status !== 'SUCCEEDED') return 1;
  return report.rowsRejected > 0 ? 2 : 0;
}

/** A bar on a terminal; plain lines every few seconds when the output goes to a file or a pipe. */
function createProgress(totalBytes: number): { update(bytes: number, rows: number): void; stop(): void } {
  const started = Date.now();
  const rate = (rows: number) => Math.round(rows / Math.max((Date.now() - started) / 1000, 0.001));
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: 'uploading [{bar}] {percentage}% | {sentMiB}/{totalMiB} MiB | {rows} rows | {rowsPerSecond} rows/s',
      stream: process.stderr,
      hideCursor: true,
    });
    bar.start(totalBytes, 0, { sentMiB: '0.0', totalMiB: (totalBytes / 1024 ** 2).toFixed(1), rows: 0, rowsPerSecond: 0 });
    return {
      update: (bytes, rows) => bar.update(bytes, { sentMiB: (bytes / 1024 ** 2).toFixed(1), rows, rowsPerSecond: rate(rows) }),
      stop: () => bar.stop(),
    };
  }
  let lastLine = 0;
  return {
    update(bytes, rows) {
      if (Date.now() - lastLine < 2_000 && bytes < totalBytes) return;
      lastLine = Date.now();
      process.stderr.write(`uploaded ${(bytes / 1024 ** 2).toFixed(1)} of ${(totalBytes / 1024 ** 2).toFixed(1)} MiB, ${rows} rows, ${rate(rows)} rows/s\n`);
    },
    stop() {},
  };
}
