import { spawn } from 'node:child_process';
import { testToken, type AppProcess } from '@trialgraph/testing';
import type postgres from 'postgres';
import type { BenchOptions } from '../bench-options.js';
import type { CsvFile } from '../csv-files.js';
import { runInterleaved } from '../interleave.js';
import { judge, type ResultRow } from '../results.js';
import { sampleRss } from '../rss-sampler.js';
import type { BenchStudy } from '../stack.js';
import { formatRate, median, round } from '../stats.js';
import { timedImport } from './import-throughput.js';

export interface ExportTarget {
  gateway: AppProcess;
  vitals: AppProcess;
  vitalsSql: postgres.Sql;
  vitalsDatabaseUrl: string;
  study: BenchStudy;
}

/** The formats measured: each read from the same keyset pages, written as its own text. */
const EXPORT_PATHS = {
  CSV: 'vitals.csv',
  SDTM: 'sdtm/vs.csv',
  // Last: an Observation per measure makes it the largest by far (about 4 KB a reading).
  FHIR: 'vitals.ndjson?format=fhir',
} as const;
type MeasuredFormat = keyof typeof EXPORT_PATHS;

/**
 * An export through the gateway, as a partner's client downloads it: timed to the last byte, with
 * the gateway's and vitals' peak RSS meanwhile. CSV has a line per reading; FHIR and SDTM a line
 * per measure, so at least one per reading.
 */
async function timedExport(
  target: ExportTarget,
  format: MeasuredFormat,
  expectedReadings: number,
): Promise<{ seconds: number; bytes: number; peakRss: Record<string, number> }> {
  const token = await testToken({ roles: ['ADMIN'] });
  const sampler = sampleRss({ gateway: target.gateway.process.pid!, vitals: target.vitals.process.pid! }, 100);
  const started = process.hrtime.bigint();
  const response = await fetch(new URL(`/api/v1/studies/${target.study.studyId}/${EXPORT_PATHS[format]}`, target.gateway.url), {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status !== 200 || !response.body) throw new Error(`the export answered HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1)) lines++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRss = sampler.stop();
  const readingLines = format === 'FHIR' ? lines : lines - 1;
  if (format === 'CSV' ? readingLines !== expectedReadings : readingLines < expectedReadings) {
    throw new Error(`the ${format} export wrote ${readingLines} lines, the study has ${expectedReadings} readings`);
  }
  return { seconds: round(seconds, 4), bytes, peakRss };
}

/** `psql \copy (select …) to stdout` of the same readings in the same order, as an operator would dump them, output thrown away. */
function timedCopyOut(databaseUrl: string, studyId: string): Promise<{ seconds: number; bytes: number }> {
  const select = `select subject_id, recorded_at, heart_rate, systolic, diastolic, temperature::numeric, respiratory_rate, spo2 from vital_signs where study_id = '${studyId}' order by subject_id, recorded_at`;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('psql', [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy (${select}) to stdout with (format csv)`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let bytes = 0;
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) reject(new Error(`psql \\copy to stdout failed (${code}): ${errors.trim().slice(0, 300)}`));
      else resolve({ seconds: round(seconds, 4), bytes });
    });
  });
}

/** Measure 7: a study's readings exported as CSV, FHIR and SDTM through the gateway, next to psql's own dump of them, and the memory both processes hold meanwhile. */
export async function measureExportThroughput(options: BenchOptions, target: ExportTarget, file: CsvFile, log: (line: string) => void): Promise<ResultRow[]> {
  const stored = async () => Number((await target.vitalsSql`select count(*)::int as n from vital_signs`)[0]?.n);
  if ((await stored()) !== file.expected.valid) {
    await target.vitalsSql`truncate vital_signs`;
    await timedImport(target.gateway.url, target.study, file);
  }
  const readings = await stored();
  const formats = Object.keys(EXPORT_PATHS) as MeasuredFormat[];
  log(`measure 7: export of ${readings} readings as ${formats.join(', ')} through the gateway vs psql \\copy (select …) to stdout`);
  const samples = await runInterleaved<{ seconds: number; bytes: number; peakRss?: Record<string, number> }>(
    [
      { name: 'copy', run: () => timedCopyOut(target.vitalsDatabaseUrl, target.study.studyId) },
      ...formats.map((format) => ({ name: format, run: () => timedExport(target, format, readings) })),
    ],
    { runs: options.runs, log },
  );
  const seconds = (name: string) => median(samples.get(name)!.map((run) => run.seconds));
  const rate = (name: string) => readings / seconds(name);
  const peak = (process: string) => Math.max(...formats.flatMap((format) => samples.get(format)!.map((run) => run.peakRss?.[process] ?? 0)));
  const megabytes = (bytes: number) => round(bytes / 1024 ** 2, 0);
  const note = `median of ${options.runs} interleaved runs; ${readings} readings of ${options.importSubjects} subjects; export: pages of 5,000 readings, subject numbers from the subjects service; psql: uuids, no lookups`;
  const raw = Object.fromEntries([...samples].map(([name, runs]) => [name, runs]));
  const described = { CSV: 'CSV', FHIR: 'FHIR R4 NDJSON (an Observation per measure)', SDTM: 'SDTM VS (a row per measure)' } as const;
  return [
    ...formats.map((format): ResultRow => ({
      measure: 7,
      name: `export ${formatRate(readings)} readings as ${described[format]} through the gateway vs psql \\copy (select …) to stdout`,
      figure: round(rate(format)),
      unit: 'rows/s',
      figureText: `${formatRate(rate(format))} readings/s (${round(seconds(format), 3)} s, ${megabytes(median(samples.get(format)!.map((run) => run.bytes)))} MB)`,
      reference: `psql \\copy to stdout: ${formatRate(rate('copy'))} rows/s (${round(seconds('copy'), 3)} s)`,
      ratio: rate(format) / rate('copy'),
      target: 'report',
      verdict: 'REPORT',
      note,
      samples: { runs: raw },
    })),
    {
      measure: 7,
      name: `peak RSS while exporting ${formatRate(readings)} readings`,
      figure: megabytes(Math.max(peak('gateway'), peak('vitals'))),
      unit: 'MB',
      figureText: `gateway ${megabytes(peak('gateway'))} MB, vitals ${megabytes(peak('vitals'))} MB`,
      reference: '—',
      ratio: null,
      target: '< 300 MB',
      verdict: judge(Math.max(peak('gateway'), peak('vitals')) < 300 * 1024 ** 2),
      note: 'sampled every 100 ms from /proc/<pid>/status VmRSS during each export, all formats',
    },
  ];
}
