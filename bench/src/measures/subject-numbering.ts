import { connect } from 'node:net';
import { adminHeaders, graphqlRequest, scrapeMetrics, type AppProcess, type TestDatabase } from '@trialgraph/testing';
import postgres from 'postgres';
import type { BenchOptions } from '../bench-options.js';
import { runInterleaved } from '../interleave.js';
import { findHistogram, histogramDelta, histogramQuantile, type Histogram } from '../prometheus-histogram.js';
import { judge, type ResultRow } from '../results.js';
import { graphqlUrl, mustQuery, startSubjects, startTogether, stopAll } from '../stack.js';
import { median, percentile, round } from '../stats.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const CREATE_SUBJECT = `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id subjectNumber } }`;
/** Any histogram of time spent waiting for the numbering lock, whatever its exact name. */
const LOCK_WAIT_METRIC = 'trialgraph_lock_wait_seconds';

interface CreateRun {
  perSecond: number;
  p95Ms: number;
  duplicates: number;
  gaps: number;
  lockWaitP95Ms: number | null;
}

/** Whether something answers on Redis's port; the subjects app does the real talking. */
function redisReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 6379, timeout: 1_000 });
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** The lock the subjects app says it uses, from its start-up log line. */
function lockKind(app: AppProcess): string | null {
  return /"lock":"([^"]*)"/.exec(app.output())?.[1] ?? null;
}

async function scrapeLockWait(apps: readonly AppProcess[]): Promise<Array<Histogram | null>> {
  return Promise.all(
    apps.map(async (app) => {
      try {
        return findHistogram(await scrapeMetrics(app.url), LOCK_WAIT_METRIC);
      } catch {
        return null;
      }
    }),
  );
}

/** Sums the per-instance deltas and returns p95 in ms, or null when an instance has no such metric. */
function lockWaitP95(before: Array<Histogram | null>, after: Array<Histogram | null>): number | null {
  if (after.some((histogram) => histogram === null)) return null;
  const deltas = after.map((histogram, index) => histogramDelta(before[index] ?? null, histogram!));
  const summed: Histogram = {
    name: deltas[0]!.name,
    buckets: deltas[0]!.buckets.map((bucket, index) => ({ le: bucket.le, count: deltas.reduce((sum, delta) => sum + (delta.buckets[index]?.count ?? 0), 0) })),
  };
  return round(histogramQuantile(summed, 0.95) * 1000);
}

/**
 * Creates `count` subjects in a new study, `concurrency` at a time, spread round-robin over
 * the instances, then checks the numbers in the database: 1..count, each once.
 */
async function createSubjects(instances: readonly AppProcess[], sql: postgres.Sql, options: BenchOptions, code: string): Promise<CreateRun> {
  const study = await mustQuery(graphqlUrl(instances[0]!), `mutation($input: CreateStudyInput!) { createStudy(input: $input) { id sites { id } } }`, {
    input: { code, name: `Numbering ${code}`, sites: [{ code: 'S01', name: 'Numbering site' }] },
  });
  const input = { studyId: study.createStudy.id, siteId: study.createStudy.sites[0].id, age: 40, sex: 'MALE' };
  const headers = await adminHeaders();
  const before = await scrapeLockWait(instances);
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.createConcurrency }, async () => {
      while (next < options.createsPerRun) {
        const instance = instances[next++ % instances.length]!;
        const sent = performance.now();
        const response = await graphqlRequest(graphqlUrl(instance), CREATE_SUBJECT, { input }, headers);
        latencies.push(performance.now() - sent);
        if (response.errors?.length) throw new Error(`createSubject failed: ${JSON.stringify(response.errors).slice(0, 300)}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = await scrapeLockWait(instances);
  const [numbers] = await sql<Array<{ n: number; sequences: number; numbers: number; high: number }>>`
    select count(*)::int as n, count(distinct sequence)::int as sequences, count(distinct subject_number)::int as numbers,
           coalesce(max(sequence), 0)::int as high
    from subjects where study_id = ${input.studyId}`;
  return {
    perSecond: round(options.createsPerRun / seconds),
    p95Ms: round(percentile(latencies, 95)),
    duplicates: numbers!.n - Math.min(numbers!.sequences, numbers!.numbers),
    // Sequences start at 1, so every number below the highest that was not issued is a gap.
    gaps: numbers!.high - numbers!.sequences + Math.max(0, options.createsPerRun - numbers!.n),
    lockWaitP95Ms: lockWaitP95(before, after),
  };
}

/**
 * createSubject throughput with two subjects instances sharing Redlock against one instance
 * on its in-process lock, the numbers checked for duplicates and gaps after every run.
 * Creates go straight to the subjects instances, as a load balancer in front of them would send them.
 */
export async function measureSubjectNumbering(options: BenchOptions, database: TestDatabase, log: (line: string) => void): Promise<ResultRow[]> {
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  // Info level: the start-up line naming the lock is how the benchmark tells whether Redlock is on.
  const env = { LOG_LEVEL: 'info' };
  let single: AppProcess | undefined;
  let pair: AppProcess[] = [];
  try {
    let twoInstances: string | null = null;
    if (!(await redisReachable())) {
      twoInstances = `Redis does not answer at ${REDIS_URL}`;
      single = await startSubjects(database.url, env);
    } else {
      // The first start applies the migrations; the others then start side by side.
      single = await startSubjects(database.url, env);
      pair = await startTogether([startSubjects(database.url, { ...env, REDIS_URL }), startSubjects(database.url, { ...env, REDIS_URL })]);
      const kind = lockKind(pair[0]!);
      if (kind === null || /in-process/i.test(kind)) {
        twoInstances = `apps/subjects does not use Redis yet: with REDIS_URL set it logs lock "${kind ?? '(none)'}"; runs once Redlock support lands`;
        await stopAll(...pair);
        pair = [];
      }
    }
    log(
      `measure 6: createSubject, ${options.createsPerRun} per run, ${options.createConcurrency} at a time; lock: ${lockKind(single) ?? '?'}${pair.length ? ` / ${lockKind(pair[0]!)}` : ''}`,
    );
    let studies = 0;
    const contenders = [{ name: 'one', run: () => createSubjects([single!], sql, options, `ONE${studies++}`) }];
    if (pair.length === 2) contenders.push({ name: 'two', run: () => createSubjects(pair, sql, options, `TWO${studies++}`) });
    const samples = await runInterleaved(contenders, { runs: options.runs, log });

    const summary = (name: string) => {
      const runs = samples.get(name)!;
      return {
        perSecond: round(median(runs.map((run) => run.perSecond))),
        p95Ms: round(median(runs.map((run) => run.p95Ms))),
        faults: runs.reduce((sum, run) => sum + run.duplicates + run.gaps, 0),
        lockWait: runs.some((run) => run.lockWaitP95Ms === null) ? null : round(median(runs.map((run) => run.lockWaitP95Ms!))),
      };
    };
    const one = summary('one');
    const describe = (s: ReturnType<typeof summary>) =>
      `${s.perSecond} creates/s, p95 ${s.p95Ms} ms, ${s.faults === 0 ? 'no duplicate, no gap' : `${s.faults} duplicates or gaps`}`;
    const target = 'report; no duplicate, no gap';
    const note = `median of ${options.runs} interleaved runs of ${options.createsPerRun} creates, ${options.createConcurrency} concurrent, straight to the subjects instances`;
    const rows: ResultRow[] = [
      {
        measure: 6,
        name: 'createSubject, one instance on the in-process lock',
        figure: one.perSecond,
        unit: 'creates/s',
        figureText: describe(one),
        reference: '—',
        ratio: null,
        target,
        verdict: judge(one.faults === 0),
        note,
        samples: { one: samples.get('one') },
      },
    ];
    if (pair.length === 2) {
      const two = summary('two');
      rows.push({
        measure: 6,
        name: 'createSubject, two instances on Redlock',
        figure: two.perSecond,
        unit: 'creates/s',
        figureText: describe(two),
        reference: `one instance: ${one.perSecond} creates/s`,
        ratio: two.perSecond / one.perSecond,
        target,
        verdict: judge(two.faults === 0),
        note: `${note}; lock ${lockKind(pair[0]!)}`,
        samples: { two: samples.get('two') },
      });
      rows.push(
        two.lockWait === null
          ? notMeasured('p95 lock wait, two instances on Redlock', 'the subjects app exposes no lock-wait histogram on /metrics')
          : {
              measure: 6,
              name: 'p95 lock wait, two instances on Redlock',
              figure: two.lockWait,
              unit: 'ms',
              figureText: `${two.lockWait} ms`,
              reference: one.lockWait === null ? '—' : `one instance, in-process: ${one.lockWait} ms`,
              ratio: one.lockWait ? two.lockWait / one.lockWait : null,
              target: 'report',
              verdict: 'REPORT',
              note: 'from trialgraph_lock_wait_seconds on /metrics, summed over both instances; interpolated within its buckets (…, 250, 500, 1000 ms …), so coarse',
            },
      );
    } else {
      rows.push(notMeasured('createSubject, two instances on Redlock', twoInstances ?? 'the second instance did not start'));
      rows.push(notMeasured('p95 lock wait, two instances on Redlock', twoInstances ?? 'no second instance'));
    }
    return rows;
  } finally {
    await stopAll(single, ...pair);
    await sql.end();
  }
}

function notMeasured(name: string, reason: string): ResultRow {
  return {
    measure: 6,
    name,
    figure: null,
    unit: '',
    figureText: '—',
    reference: '—',
    ratio: null,
    target: 'report; no duplicate, no gap',
    verdict: 'NOT MEASURED',
    note: reason,
  };
}
