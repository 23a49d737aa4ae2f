import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createTestDatabase, startRedisServer, testToken, type RedisServer, type TestDatabase } from '@trialgraph/testing';
import { createBenchStudy, graphqlUrl, startStack, type Stack } from '../stack.js';
import { runAtFixedRate } from './fixed-rate.js';
import { collectGarbage, inspectorUrlIn } from './collect-garbage.js';
import { medianFootprint, readFootprint } from './process-footprint.js';
import { judgeSoak, MAX_GROWTH, renderSoakReport, summarizeOperations, summarizeProcesses, type SoakReport } from './soak-report.js';
import { parseSoakOptions } from './soak-options.js';
import { createSoakWorkload } from './soak-workload.js';

/**
 * `npm run soak`: the whole stack on fresh PostgreSQL databases and a Redis of its own, under a
 * fixed-rate mix of reads, creations, small imports and one large import through the gateway.
 * Prints throughput, latency, errors by code and each process's footprint at start and end;
 * exits 1 when an unexpected code appeared or a footprint grew past 10 %.
 */
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const options = parseSoakOptions(process.argv.slice(2));
const loadMs = options.minutes * 60_000;
/** Past this the large import counts as unanswered (NO_ANSWER): a 1,000,000-row file takes a minute or two here. */
const LARGE_IMPORT_TIMEOUT_MS = 15 * 60_000;
/** Past Node's 5 s keep-alive timeout: the clients' idle sockets are closed before handles are counted. */
const QUIET_SETTLE_MS = 6_000;
const databases: TestDatabase[] = [];
let redis: RedisServer | undefined;
let stack: Stack | undefined;
let exitCode = 1;

try {
  const [subjectsDb, vitalsDb] = await Promise.all([createTestDatabase('tg_soak_subj'), createTestDatabase('tg_soak_vit')]);
  databases.push(subjectsDb, vitalsDb);
  redis = await startRedisServer();
  // Each with an inspector on a port of its own, through which the footprint readings first collect garbage.
  stack = await startStack(
    { subjects: subjectsDb.url, vitals: vitalsDb.url },
    { every: { NODE_OPTIONS: '--inspect=127.0.0.1:0' }, subjects: { REDIS_URL: redis.url } },
  );
  const study = await createBenchStudy(graphqlUrl(stack.subjects), 'SOAK', 50);
  const workload = createSoakWorkload({
    gatewayUrl: stack.gateway.url,
    study,
    token: await testToken({ subject: 'soak-client', roles: ['ADMIN'] }),
    smallImportRows: options.smallImportRows,
    largeImportRows: options.largeImportRows,
  });
  const apps = { gateway: stack.gateway, subjects: stack.subjects, vitals: stack.vitals };
  const pids = Object.fromEntries(Object.entries(apps).map(([name, app]) => [name, app.process.pid!]));
  const inspectors = Object.entries(apps).map(([name, app]) => {
    const url = inspectorUrlIn(app.output());
    if (!url) throw new Error(`${name} printed no inspector address:\n${app.output().slice(0, 500)}`);
    return url;
  });
  const mix = {
    'reads/s': options.readsPerSecond,
    'createSubject/s': options.createsPerSecond,
    'small imports/s': options.smallImportsPerSecond,
    'rows per small import': options.smallImportRows,
    'rows of the large import': options.largeImportRows,
  };
  log(
    `soak: ${options.minutes} min, ${Object.entries(mix)
      .map(([name, value]) => `${name} ${value}`)
      .join(', ')}`,
  );

  const loadStarted = Date.now();
  // Every 5 s, for whoever wants to see the shape of the curve behind the start and end figures.
  const timeline: SoakReport['timeline'] = [];
  const timelineTimer = setInterval(() => {
    const at = Math.round((Date.now() - loadStarted) / 1000);
    for (const [name, pid] of Object.entries(pids)) {
      const footprint = readFootprint(pid);
      if (footprint) timeline.push({ at, process: name, ...footprint });
    }
  }, 5_000);
  // Set in a callback, which TypeScript does not follow: typed so the loop condition stays.
  let largeImportEnded = false as boolean;
  const largeImport = workload.largeImport(LARGE_IMPORT_TIMEOUT_MS).finally(() => (largeImportEnded = true));
  const runs = [
    runAtFixedRate({ perSecond: options.readsPerSecond, maxInFlight: 256, task: (index) => workload.read(index) }),
    runAtFixedRate({ perSecond: options.createsPerSecond, maxInFlight: 256, task: (index) => workload.createSubject(index) }),
    runAtFixedRate({ perSecond: options.smallImportsPerSecond, maxInFlight: 32, task: (index) => workload.smallImport(index) }),
  ];
  let quietMs = 0;
  /** The footprint with nothing in flight (arrivals paused, every call answered, idle keep-alive sockets closed), garbage collected. */
  const quietFootprint = async () => {
    const paused = Date.now();
    await Promise.all(runs.map((run) => run.pause()));
    await sleep(QUIET_SETTLE_MS);
    await Promise.all(inspectors.map((url) => collectGarbage(url)));
    const footprint = await medianFootprint(pids, options.footprintSamples);
    quietMs += Date.now() - paused;
    return footprint;
  };

  // The warm-up runs the whole mix and the large import, so the start figures are those of
  // processes that have reached their working set, not of processes just started.
  await sleep(options.minimumWarmupSeconds * 1_000);
  while (!largeImportEnded) await sleep(500);
  const warmupSeconds = Math.round((Date.now() - loadStarted) / 1000);
  log(`soak: warm-up over after ${warmupSeconds} s (large import done); ${options.minutes} min of load from now`);
  const start = await quietFootprint();
  for (const run of runs) run.resume();
  await sleep(loadMs);
  const end = await quietFootprint();
  for (const run of runs) await run.stop();
  await largeImport;
  clearInterval(timelineTimer);
  const loadSeconds = Math.round((Date.now() - loadStarted - quietMs) / 1000);

  const operations = summarizeOperations(workload.records, loadSeconds);
  const { processes, missing } = summarizeProcesses(start, end);
  const skippedArrivals = runs.reduce((sum, run) => sum + run.skipped, 0);
  const partial = { ...operations, skippedArrivals, processes };
  const reasons = judgeSoak(partial, missing);
  const report: SoakReport = {
    generatedAt: new Date().toISOString(),
    command: `npm run soak -- --minutes ${options.minutes}`,
    minutes: options.minutes,
    loadSeconds,
    warmupSeconds,
    mix,
    ...partial,
    footprintNote: [
      `Operations count the whole run (${loadSeconds} s): a warm-up of ${warmupSeconds} s that ran the mix and the large import to its end, then ${options.minutes} min of the mix.`,
      `RSS and open handles (entries of /proc/<pid>/fd) are the median of ${options.footprintSamples} readings 1 s apart, with no request in flight (arrivals paused, ${QUIET_SETTLE_MS / 1000} s for idle connections to close) and after a full garbage collection in each process: at start right after the warm-up, at end after the ${options.minutes} min. Growth past ${MAX_GROWTH * 100} % fails the run.`,
    ].join('\n'),
    verdict: reasons.length === 0 ? 'PASS' : 'FAIL',
    reasons,
    timeline,
  };
  mkdirSync(dirname(options.resultsPath), { recursive: true });
  writeFileSync(options.resultsPath, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${renderSoakReport(report)}\nWritten to ${options.resultsPath}.\n`);
  if (report.verdict === 'FAIL') {
    // What each process logged (warnings and errors) is where an operator starts looking.
    for (const [name, app] of Object.entries({ gateway: stack.gateway, subjects: stack.subjects, vitals: stack.vitals })) {
      writeFileSync(`${options.resultsPath}.${name}.log`, app.output());
    }
    process.stdout.write(`Process logs: ${options.resultsPath}.{gateway,subjects,vitals}.log\n`);
  }
  exitCode = report.verdict === 'PASS' ? 0 : 1;
} catch (error) {
  log(`the soak stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await stack?.stop();
  await redis?.kill();
  await Promise.all(databases.map((database) => database.drop().catch(() => {})));
}
process.exit(exitCode);
