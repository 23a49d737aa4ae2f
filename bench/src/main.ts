import { createTestDatabase, TEST_POSTGRES_URL, type AppProcess, type TestDatabase } from '@trialgraph/testing';
import postgres from 'postgres';
import { parseBenchOptions, type BenchOptions } from './bench-options.js';
import { BenchFiles, subjectNumbersOf } from './csv-files.js';
import { loadAverage, readMachineInfo } from './machine-info.js';
import { measureExportThroughput } from './measures/export-throughput.js';
import { measureImportMemory } from './measures/import-memory.js';
import { measureImportThroughput } from './measures/import-throughput.js';
import { measureParserThroughput } from './measures/parser-throughput.js';
import { measurePartitionedVolume } from './measures/partitioned-volume.js';
import { measureReadLatency } from './measures/read-latency.js';
import { measureReadLatencyAtVolume } from './measures/read-latency-at-volume.js';
import { measureStatementsPerRequest, seedReadStudy, withStack } from './measures/statements-per-request.js';
import { measureSubjectNumbering } from './measures/subject-numbering.js';
import { errorRow, renderMachine, renderMarkdownTable, writeReport, type BenchReport, type ResultRow } from './results.js';
import { createBenchStudy, graphqlUrl, startStack, stopAll, type BenchStudy } from './stack.js';

/**
 * `npm run bench`: measures every speed and memory claim of the README next to its reference,
 * in one run, and prints the table. Exits non-zero only when a measure could not be taken.
 */
const started = Date.now();
const log = (line: string) => process.stderr.write(`${line}\n`);
const options = parseBenchOptions(process.argv.slice(2));
const machine = await readMachineInfo(TEST_POSTGRES_URL);
log(`trialgraph bench (${options.mode}): ${renderMachine(machine)}`);

const files = new BenchFiles();
const databases: TestDatabase[] = [];
const results: ResultRow[] = [];
const database = async (prefix: string) => {
  const created = await createTestDatabase(prefix);
  databases.push(created);
  return created;
};

/** Runs one measure; a failure becomes an ERROR row instead of ending the run. */
async function measure(number: number, name: string, work: () => Promise<ResultRow[]>): Promise<void> {
  if (!options.only.has(number)) return;
  const measureStarted = Date.now();
  try {
    results.push(...(await work()));
  } catch (error) {
    log(`measure ${number} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    results.push(errorRow(number, name, error));
  }
  log(`  measure ${number} took ${Math.round((Date.now() - measureStarted) / 1000)} s`);
}

async function importMeasures(opts: BenchOptions): Promise<void> {
  if (!opts.only.has(2) && !opts.only.has(3) && !opts.only.has(7)) return;
  let subjects: AppProcess | undefined;
  let vitals: AppProcess | undefined;
  let gateway: AppProcess | undefined;
  let vitalsSql: postgres.Sql | undefined;
  let study: BenchStudy | undefined;
  try {
    const [subjectsDb, vitalsDb] = await Promise.all([database('tg_bench_subj'), database('tg_bench_vit')]);
    ({ subjects, vitals, gateway } = await startStack({ subjects: subjectsDb.url, vitals: vitalsDb.url }));
    vitalsSql = postgres(vitalsDb.url, { max: 1, onnotice: () => {} });
    study = await createBenchStudy(graphqlUrl(subjects), 'IMPORT', opts.importSubjects);
    const ready = { subjects, vitals, gateway, vitalsSql, vitalsDb, study };
    let importCsv: ReturnType<BenchFiles['writeVitalsCsv']> | undefined;
    const importFile = () => (importCsv ??= files.writeVitalsCsv('import.csv', opts.importRows, subjectNumbersOf(ready.study)));
    await measure(2, 'import through the gateway', async () => measureImportThroughput(opts, ready, await importFile(), files, log));
    // After the import measure, whose last run left a study's worth of readings to export.
    await measure(7, 'export through the gateway', async () =>
      measureExportThroughput(opts, { ...ready, vitalsDatabaseUrl: vitalsDb.url }, await importFile(), log),
    );
    // The memory measure starts its own gateway and vitals per size.
    await stopAll(vitals, gateway);
    vitals = gateway = undefined;
    await measure(3, 'peak RSS while importing', () => {
      log('measure 3: peak RSS of gateway and vitals while importing');
      return measureImportMemory(
        opts,
        { subjects: ready.subjects, vitalsDatabaseUrl: vitalsDb.url, vitalsSql: ready.vitalsSql, study: ready.study },
        files,
        log,
      );
    });
  } catch (error) {
    // The shared set-up failed: both measures are unmeasured.
    for (const [number, name] of [
      [2, 'import through the gateway'],
      [3, 'peak RSS while importing'],
      [7, 'export through the gateway'],
    ] as const) {
      if (opts.only.has(number) && !results.some((row) => row.measure === number)) results.push(errorRow(number, name, error));
    }
    log(`import set-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await vitalsSql?.end();
    await stopAll(subjects, vitals, gateway);
  }
}

async function readMeasures(opts: BenchOptions): Promise<void> {
  if (!opts.only.has(4) && !opts.only.has(5)) return;
  const readDatabases = { subjects: await database('tg_bench_rsubj'), vitals: await database('tg_bench_rvit') };
  let study: BenchStudy | undefined;
  if (opts.only.has(4)) {
    await measure(4, 'SQL statements per page query', async () => {
      const outcome = await measureStatementsPerRequest(opts, readDatabases, log);
      study = outcome.study;
      return outcome.rows;
    });
  }
  await measure(5, 'read latency through the gateway', () =>
    // Fresh processes: the statement log of measure 4 is off for their connections.
    withStack(readDatabases, async (stack) => {
      study ??= await seedReadStudy(stack, readDatabases.vitals, Math.max(...opts.pageSizes));
      return measureReadLatency(opts, stack, study, log);
    }),
  );
  await measure(5, 'read latency at volume', async () =>
    measureReadLatencyAtVolume(
      opts,
      { subjects: await database('tg_bench_volsubj'), few: await database('tg_bench_volfew'), many: await database('tg_bench_volmany') },
      log,
    ),
  );
}

let exitCode = 0;
try {
  await measure(1, 'parser throughput', async () => {
    const numbers = Array.from({ length: options.importSubjects }, (_, index) => `PARSE-S01-${String(index + 1).padStart(4, '0')}`);
    const file = await files.writeVitalsCsv('parser.csv', options.parserRows, numbers);
    return measureParserThroughput(options, file, log);
  });
  await importMeasures(options);
  await readMeasures(options);
  await measure(6, 'createSubject numbering', async () => measureSubjectNumbering(options, await database('tg_bench_num'), log));
  await measure(8, 'import and read page on 20 M partitioned rows', async () =>
    measurePartitionedVolume(
      options,
      { subjects: await database('tg_bench_partsubj'), few: await database('tg_bench_partfew'), many: await database('tg_bench_partmany') },
      files,
      log,
    ),
  );
} catch (error) {
  log(`the benchmark stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitCode = 1;
} finally {
  files.remove();
  await Promise.all(databases.map((created) => created.drop().catch(() => {})));
}

machine.loadAverageAtEnd = loadAverage();
const notes = [
  `Every ratio compares figures measured in this run, interleaved; medians of ${options.runs} run(s) per contender (parser: at least 3).`,
  `Machine shared with other work while measuring (load average ${machine.loadAverageAtStart.join(' / ')} at start, ${machine.loadAverageAtEnd.join(' / ')} at end): absolute figures are noisy, ratios less so.`,
  ...(options.note ? [options.note] : []),
];
const report: BenchReport = {
  generatedAt: new Date().toISOString(),
  mode: options.mode,
  command: `npm run bench${options.mode === 'default' ? '' : ` -- --${options.mode}`}`,
  durationSeconds: Math.round((Date.now() - started) / 1000),
  machine,
  notes,
  results: results.sort((a, b) => a.measure - b.measure),
};
writeReport(options.resultsPath, report);

process.stdout.write(`\n${renderMarkdownTable(report.results)}\n\nMeasured on: ${renderMachine(machine)}.\n${notes.map((note) => `- ${note}`).join('\n')}\n`);
process.stdout.write(`Written to ${options.resultsPath} in ${report.durationSeconds} s.\n`);
if (results.some((row) => row.verdict === 'ERROR')) exitCode = 1;
process.exit(exitCode);
