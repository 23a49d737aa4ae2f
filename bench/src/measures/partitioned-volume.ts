import { testToken, type TestDatabase } from '@trialgraph/testing';
import { importVitalsFile } from '@trialgraph/upload-client';
import type { BenchOptions } from '../bench-options.js';
import { subjectNumbersOf, type BenchFiles, type CsvFile } from '../csv-files.js';
import type { ResultRow } from '../results.js';
import { formatRate, round } from '../stats.js';
import { measureReadLatencyAtVolume, seededMonths, type VolumeStacks } from './read-latency-at-volume.js';

/** Readings per subject of the large table: 50 subjects × 400,000 = 20 M rows, every 5 minutes over 46 months. */
export const PARTITIONED_READINGS_PER_SUBJECT = 400_000;
/** The imported file's first reading: the month after the seeded history ends, so its rows are new and its month is made by the import. */
const FILE_START = new Date('2026-07-01T00:00:00Z');

/**
 * Sends the file and checks its report: a first import stores every valid row; the same file
 * sent again stores none and counts each valid row as a duplicate. Returns the wall time.
 */
async function timedImport(url: string, studyId: string, file: CsvFile, sending: 'first' | 'again'): Promise<number> {
  const token = await testToken({ roles: ['ADMIN'] });
  const started = process.hrtime.bigint();
  const response = await importVitalsFile({ url, studyId, file: file.path, token, importOptions: { onError: 'SKIP', timezone: 'UTC' } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const report = response.data?.importVitals;
  if (response.errors?.length || report?.status !== 'SUCCEEDED') {
    throw new Error(`import to ${url} did not succeed: ${JSON.stringify(response.errors ?? report?.failureReason ?? response.status).slice(0, 300)}`);
  }
  const [accepted, duplicate] = sending === 'first' ? [file.expected.valid, 0] : [0, file.expected.valid];
  if (report.rowsAccepted !== accepted || report.rowsDuplicate !== duplicate || report.rowsRejected !== file.expected.bad) {
    throw new Error(
      `import to ${url} (${sending}) accepted ${report.rowsAccepted}, duplicate ${report.rowsDuplicate}, rejected ${report.rowsRejected}; expected ${accepted}, ${duplicate}, ${file.expected.bad}`,
    );
  }
  return round(seconds, 4);
}

/**
 * Measure 8, default and full runs only: the read page of measure 5 and the import of measure 2 on
 * a table of 20 M readings over 46 monthly partitions, seeded with COPY, each next to the same on
 * a table of 10 readings per subject (500 rows) in the same run. The import sends a 1 M-row file
 * of a month the table does not hold yet (so the import makes its partition), then the same file
 * again (all duplicates, each looked up in its month). One run of each import: a fifth first import
 * would need a fresh month, and the table cannot be emptied without losing its 20 M rows.
 */
export async function measurePartitionedVolume(
  options: BenchOptions,
  databases: { subjects: TestDatabase; few: TestDatabase; many: TestDatabase },
  files: BenchFiles,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  const importThen = async ({ study, young, old }: VolumeStacks): Promise<ResultRow[]> => {
    const file = await files.writeVitalsCsv('partitioned-import.csv', options.importRows, subjectNumbersOf(study), FILE_START);
    log(`  import of ${file.expected.rows} rows, first and again, into each table`);
    const seconds: Record<string, number> = {};
    for (const [name, url, sending] of [
      ['small-first', young.gateway.url, 'first'],
      ['large-first', old.gateway.url, 'first'],
      ['small-again', young.gateway.url, 'again'],
      ['large-again', old.gateway.url, 'again'],
    ] as const) {
      seconds[name] = await timedImport(url, study.studyId, file, sending);
      log(`  ${name}: ${seconds[name]} s`);
    }
    const describe = (name: string) => `${formatRate(file.expected.valid / seconds[name]!)} rows/s (${round(seconds[name]!, 3)} s)`;
    const row = (sending: 'first' | 'again'): ResultRow => {
      const ratio = round(seconds[`small-${sending}`]! / seconds[`large-${sending}`]!);
      return {
        measure: 8,
        name: `import ${formatRate(file.expected.rows)} rows through the gateway into a table of ${formatRate(PARTITIONED_READINGS_PER_SUBJECT * study.subjects.length)} readings over ${seededMonths(PARTITIONED_READINGS_PER_SUBJECT)} monthly partitions, ${sending === 'first' ? 'first import (a new month)' : 'the same file again (all duplicates)'}`,
        figure: round(file.expected.valid / seconds[`large-${sending}`]!),
        unit: 'rows/s',
        figureText: describe(`large-${sending}`),
        reference: `the same into a table of 500 readings: ${describe(`small-${sending}`)}`,
        ratio,
        target: 'report',
        verdict: 'REPORT',
        note: 'one run each, in the order small first, large first, small again, large again; ratio: rate on the large table ÷ rate on the small one',
        samples: { seconds },
      };
    };
    return [row('first'), row('again')];
  };
  return measureReadLatencyAtVolume(options, databases, log, {
    measure: 8,
    readingsPerSubject: PARTITIONED_READINGS_PER_SUBJECT,
    then: importThen,
  });
}
