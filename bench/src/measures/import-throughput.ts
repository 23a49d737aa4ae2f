import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, testToken, type AppProcess } from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import postgres from 'postgres';
import type { BenchOptions } from '../bench-options.js';
import { COPY_COLUMNS, writeCopyFile, type BenchFiles, type CsvFile } from '../csv-files.js';
import { runInterleaved } from '../interleave.js';
import { judge, type ResultRow } from '../results.js';
import { graphqlUrl, type BenchStudy } from '../stack.js';
import { formatRate, median, round } from '../stats.js';
import { ensureReadingMonths } from '../reading-months.js';

export interface ImportTarget {
  gateway: AppProcess;
  vitals: AppProcess;
  vitalsSql: postgres.Sql;
  study: BenchStudy;
}

/**
 * Sends the file as the CLI does (streamed multipart, token) and checks the report: every
 * valid row stored (or, with `resent`, every valid row counted as a duplicate of the stored
 * file and none stored), every bad row reported. Returns the wall time from first byte to answer.
 */
export async function timedImport(url: string, study: BenchStudy, file: CsvFile, options: { resent?: boolean } = {}): Promise<{ seconds: number }> {
  const token = await testToken({ roles: ['ADMIN'] });
  const started = process.hrtime.bigint();
  const response = await importVitalsFile({ url, studyId: study.studyId, file: file.path, token, importOptions: { onError: 'SKIP', timezone: 'UTC' } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const report = response.data?.importVitals;
  if (response.errors?.length || report?.status !== 'SUCCEEDED') {
    throw new Error(`import to ${url} did not succeed: ${JSON.stringify(response.errors ?? report?.failureReason ?? response.status).slice(0, 300)}`);
  }
  const [accepted, duplicate] = options.resent ? [0, file.expected.valid] : [file.expected.valid, 0];
  if (report.rowsAccepted !== accepted || report.rowsDuplicate !== duplicate || report.rowsRejected !== file.expected.bad) {
    throw new Error(
      `import to ${url} stored ${report.rowsAccepted}, counted ${report.rowsDuplicate} duplicates and rejected ${report.rowsRejected}; ` +
        `expected ${accepted}, ${duplicate} and ${file.expected.bad} (the file has ${file.expected.valid} valid and ${file.expected.bad} bad rows)`,
    );
  }
  return { seconds: round(seconds, 4) };
}

const FILE_START = Date.UTC(2025, 0, 1);

const vitalsMigrations = fileURLToPath(new URL('../../../apps/vitals/drizzle/', import.meta.url));

/** The vitals app's own migrations, applied to a bare database: the same table, constraints and indexes. */
async function createReferenceTable(url: string): Promise<void> {
  const journal = JSON.parse(readFileSync(`${vitalsMigrations}meta/_journal.json`, 'utf8')) as { entries: Array<{ tag: string }> };
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    for (const entry of journal.entries) {
      for (const statement of readFileSync(`${vitalsMigrations}${entry.tag}.sql`, 'utf8').split('--> statement-breakpoint')) {
        if (statement.trim()) await sql.unsafe(statement);
      }
    }
  } finally {
    await sql.end();
  }
}

/** `psql \copy` of the prepared rows, timed from process start to exit, as an operator would run it. */
function timedCopy(databaseUrl: string, copyPath: string, expectedRows: number): Promise<{ seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('psql', [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy vital_signs (${COPY_COLUMNS}) from '${copyPath}'`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const copied = /COPY (\d+)/.exec(output)?.[1];
      if (code !== 0) reject(new Error(`psql \\copy failed (${code}): ${output.trim().slice(0, 300)}`));
      else if (copied !== undefined && Number(copied) !== expectedRows) reject(new Error(`psql copied ${copied} rows, expected ${expectedRows}`));
      else resolve({ seconds: round(seconds, 4) });
    });
  });
}

export async function measureImportThroughput(
  options: BenchOptions,
  target: ImportTarget,
  file: CsvFile,
  files: BenchFiles,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  log(`measure 2: import of ${file.expected.rows} rows (${round(file.bytes / 1e6)} MB, ${file.expected.bad} bad) vs psql \\copy`);
  const reference = await createTestDatabase('tg_bench_copy');
  const referenceSql = postgres(reference.url, { max: 1, onnotice: () => {} });
  try {
    await createReferenceTable(reference.url);
    // The file's readings (generateVitalsCsv) start on 1 January 2025, a round of its subjects every 10 s.
    await ensureReadingMonths(referenceSql, FILE_START, FILE_START + Math.ceil(file.expected.rows / target.study.subjects.length) * 10_000);
    const copyPath = files.path('valid-rows.copy');
    const copyRows = await writeCopyFile(file, target.study, copyPath);
    if (copyRows !== file.expected.valid) throw new Error(`the COPY file has ${copyRows} rows, expected ${file.expected.valid}`);

    const contenders = [
      { name: 'gateway', run: () => timedImport(target.gateway.url, target.study, file) },
      { name: 'direct', run: () => timedImport(graphqlUrl(target.vitals), target.study, file) },
      { name: 'copy', run: () => timedCopy(reference.url, copyPath, copyRows) },
      { name: 'resend', run: () => timedImport(target.gateway.url, target.study, file, { resent: true }) },
    ];
    const storedRows = async () => Number((await target.vitalsSql`select count(*)::int as n from vital_signs`)[0]?.n);
    const samples = await runInterleaved(contenders, {
      runs: options.runs,
      log,
      before: async (name) => {
        if (name === 'copy') await referenceSql`truncate vital_signs`;
        // The file once more into a table that holds it already: a site sending the same export twice.
        // The run before left it there, unless it was psql's; then it is stored again, untimed.
        else if (name === 'resend') {
          if ((await storedRows()) !== file.expected.valid) {
            await target.vitalsSql`truncate vital_signs`;
            await timedImport(target.gateway.url, target.study, file);
          }
        }
        // Every other run loads into an empty table, as the first import of a site's data does.
        else await target.vitalsSql`truncate vital_signs`;
        // Each run starts right after a checkpoint: a run writes ~360 MB of WAL, so every third
        // one or so met a checkpoint forced by max_wal_size (1 GB) midway, and paid for the
        // runs before it whichever contender it was.
        await target.vitalsSql`checkpoint`;
      },
    });
    const seconds = (name: string) => median(samples.get(name)!.map((run) => run.seconds));
    const rate = (name: string) => file.expected.valid / seconds(name);
    const describe = (name: string) => `${formatRate(rate(name))} rows/s (${round(seconds(name), 3)} s)`;
    const raw = Object.fromEntries([...samples].map(([name, runs]) => [name, runs.map((run) => run.seconds)]));
    const note = `median of ${options.runs} interleaved runs, each after a checkpoint; ${file.expected.valid} valid rows into an empty table`;
    const copyRatio = rate('gateway') / rate('copy');
    const resendRatio = rate('resend') / rate('copy');
    const gatewayOverDirect = seconds('gateway') / seconds('direct');
    return [
      {
        measure: 2,
        name: `import ${formatRate(file.expected.rows)} rows through the gateway vs psql \\copy`,
        figure: round(rate('gateway')),
        unit: 'rows/s',
        figureText: describe('gateway'),
        reference: `psql \\copy: ${describe('copy')}`,
        ratio: copyRatio,
        target: '≥ 0.8×',
        verdict: judge(copyRatio >= 0.8),
        note,
        samples: { seconds: raw },
      },
      {
        measure: 2,
        name: `re-send the same ${formatRate(file.expected.rows)} rows (all duplicates) through the gateway vs psql \\copy`,
        figure: round(rate('resend')),
        unit: 'rows/s',
        figureText: describe('resend'),
        reference: `psql \\copy into an empty table: ${describe('copy')}`,
        ratio: resendRatio,
        target: '≥ 0.5×',
        verdict: judge(resendRatio >= 0.5),
        note: `median of ${options.runs} interleaved runs, each after a checkpoint; the same file into a table that holds it: nothing stored, ${file.expected.valid} duplicates`,
        samples: { seconds: raw },
      },
      {
        measure: 2,
        name: 'import: time through the gateway vs straight to vitals',
        figure: round(seconds('gateway'), 4),
        unit: 's',
        figureText: `${round(seconds('gateway'), 3)} s`,
        reference: `vitals direct: ${describe('direct')}`,
        ratio: gatewayOverDirect,
        target: '≤ 1.1×',
        verdict: judge(gatewayOverDirect <= 1.1),
        note,
        samples: { seconds: raw },
      },
    ];
  } finally {
    await referenceSql.end();
    await reference.drop();
  }
}
