import { randomUUID } from 'node:crypto';
import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  fetchImportErrors,
  fetchImportProgress,
  IMPORT_ERRORS_PAGE,
  importVitalsFile,
  type ImportProgressResult,
  type ImportVitalsResult,
} from '@trialgraph/upload-client';
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
 * sent, then the rows the server has read and rejected, polled by the import id it chose),
 * prints the report, and returns the exit code: 0 all stored, 2 some rows
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
  // Chosen here so the import can be followed while the request runs: the mutation answers only at its end.
  const importId = randomUUID();
  const following = followImport({ url: options.gateway, importId, token: options.token, onProgress: (server) => progress.server(server, rowsSent()) });
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
      importId,
      fileSize: size,
      onBytesSent: (bytes) => progress.update(bytes, rowsSent()),
    });
  } catch (error) {
    following.stop();
    progress.stop();
    const cause = (error as { code?: string }).code ?? (error as Error).message;
    process.stderr.write(`cannot reach the gateway at ${options.gateway} (${cause}): is trialgraph running there?\n`);
    return 1;
  }
  following.stop();
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

/**
 * Polls the import's progress every second until stopped. A poll that fails (the gateway busy,
 * the import not recorded yet) is skipped: the answer to the upload is what counts.
 */
function followImport(options: { url: string; importId: string; token: string | undefined; onProgress: (progress: ImportProgressResult) => void }): {
  stop(): void;
} {
  let stopped = false;
  let polling = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    fetchImportProgress({ url: options.url, importId: options.importId, ...(options.token ? { token: options.token } : {}), timeoutMs: 5_000 })
      .then((progress) => {
        if (progress && !stopped) options.onProgress(progress);
      })
      .catch(() => {})
      .finally(() => {
        polling = false;
      });
  }, POLL_INTERVAL_MS);
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

const POLL_INTERVAL_MS = 1_000;

interface Progress {
  /** Bytes and rows the CLI has sent. */
  update(bytes: number, rows: number): void;
  /** What the server has read and refused so far. */
  server(progress: ImportProgressResult, rowsSent: number): void;
  stop(): void;
}

/**
 * A bar on a terminal; plain lines every few seconds when the output goes to a file or a pipe.
 * While the file is sent, the bar follows bytes; once it is all sent, rows the server has read
 * out of the rows sent (it receives the whole file, then reads and stores it).
 */
function createProgress(totalBytes: number): Progress {
  const started = Date.now();
  const rate = (rows: number) => Math.round(rows / Math.max((Date.now() - started) / 1000, 0.001));
  let sentBytes = 0;
  let sentRows = 0;
  let serverLine = 'server: waiting';
  const describe = (progress: ImportProgressResult) =>
    progress.rowsRead > 0
      ? `server: ${progress.rowsRead} rows read, ${progress.rowsRejected} rejected`
      : `server: ${(progress.bytesRead / 1024 ** 2).toFixed(1)} MiB received`;
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: '{phase} [{bar}] {percentage}% | {sentMiB}/{totalMiB} MiB | {rows} rows sent | {rowsPerSecond} rows/s | {server}',
      stream: process.stderr,
      hideCursor: true,
    });
    bar.start(totalBytes, 0, {
      phase: 'uploading',
      sentMiB: '0.0',
      totalMiB: (totalBytes / 1024 ** 2).toFixed(1),
      rows: 0,
      rowsPerSecond: 0,
      server: serverLine,
    });
    let storing = false;
    return {
      update(bytes, rows) {
        sentBytes = bytes;
        sentRows = rows;
        if (!storing) bar.update(bytes, { sentMiB: (bytes / 1024 ** 2).toFixed(1), rows, rowsPerSecond: rate(rows) });
      },
      server(progress, rowsSent) {
        serverLine = describe(progress);
        // All sent and the server reading rows: the bar now counts rows read of rows sent.
        if (!storing && sentBytes >= totalBytes && progress.rowsRead > 0) {
          storing = true;
          bar.setTotal(Math.max(rowsSent, 1));
        }
        if (storing) bar.update(Math.min(progress.rowsRead, rowsSent), { phase: 'storing  ', server: serverLine });
        else bar.update(sentBytes, { server: serverLine });
      },
      stop: () => bar.stop(),
    };
  }
  let lastLine = 0;
  const line = (force: boolean) => {
    if (!force && Date.now() - lastLine < 2_000) return;
    lastLine = Date.now();
    process.stderr.write(
      `uploaded ${(sentBytes / 1024 ** 2).toFixed(1)} of ${(totalBytes / 1024 ** 2).toFixed(1)} MiB, ${sentRows} rows, ${rate(sentRows)} rows/s; ${serverLine}\n`,
    );
  };
  return {
    update(bytes, rows) {
      sentBytes = bytes;
      sentRows = rows;
      line(bytes >= totalBytes);
    },
    server(progress) {
      serverLine = describe(progress);
      line(false);
    },
    stop() {},
  };
}
