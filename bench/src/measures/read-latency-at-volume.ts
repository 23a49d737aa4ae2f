import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { adminHeaders, type AppProcess, type TestDatabase } from '@trialgraph/testing';
import postgres from 'postgres';
import type { BenchOptions } from '../bench-options.js';
import { runInterleaved } from '../interleave.js';
import { judge, type ResultRow } from '../results.js';
import { createBenchStudy, graphqlUrl, mustQuery, startSubjects, startVitalsAndGateway, stopAll, type BenchStudy } from '../stack.js';
import { median, round } from '../stats.js';
import { loadWithAutocannon, type LoadRun } from './read-latency.js';
import { ensureReadingMonths, monthsBetween } from '../reading-months.js';

const PAGE = 50;
/** A young database: as many readings per subject as the first day of a trial. */
const FEW_READINGS = 10;
const EVERY_MINUTES = 5;
/** The newest reading of every subject; the history reaches back from it. */
const NEWEST = Date.UTC(2026, 5, 30, 23, 55);
/** Rows per COPY statement: a transaction per half million rows, whose counting trigger groups that many. */
const ROWS_PER_COPY = 500_000;

/**
 * The fields are as many as fit the gateway's default cost limit (MAX_QUERY_COST 20,000): with
 * `first: 50` written in the query this page costs 19,480; the latest reading's blood pressure,
 * temperature and SpO2 besides would cost 20,240 and be refused.
 */
const SUBJECT_VITALS = `latestVitalSign { recordedAt heartRate }
  vitals(first: 5) { totalCount edges { node { recordedAt heartRate bloodPressure } } }`;
const GATEWAY_QUERY = `query($studyId: ID!) { subjects(studyId: $studyId, first: ${PAGE}) { edges { node { id subjectNumber ${SUBJECT_VITALS} } } } }`;
const VITALS_QUERY = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Subject { ${SUBJECT_VITALS} } } }`;

const LINES_PER_CHUNK = 10_000;
/**
 * Fewer than the 32 of the latency row above: on two cores a page of 50 subjects keeps the
 * processes busy with 8 clients already, and with 32 the latency is mostly the wait in Node's
 * queue, which hides the database's share and on a busy machine ran past autocannon's 10 s timeout.
 */
const CONNECTIONS = 8;

/** Readings of every subject, newest at NEWEST, every 5 minutes, interleaved in time as devices send them: COPY text in chunks. */
function* copyText(study: BenchStudy, perSubject: number): Generator<string> {
  const lines: string[] = [];
  for (let step = perSubject - 1; step >= 0; step--) {
    const recordedAt = new Date(NEWEST - step * EVERY_MINUTES * 60_000).toISOString();
    for (const [index, subject] of study.subjects.entries()) {
      const beat = (step + index) % 40;
      lines.push(
        `${subject.id}\t${study.studyId}\t${study.siteId}\t${recordedAt}\t${60 + beat}\t${110 + (beat % 30)}\t${70 + (beat % 15)}\t36.${beat % 10}\t${92 + (beat % 8)}\tbench\n`,
      );
      if (lines.length === LINES_PER_CHUNK) yield lines.splice(0).join('');
    }
  }
  if (lines.length > 0) yield lines.join('');
}

/**
 * Seeds a vitals database straight with COPY, not through the API, one statement per
 * ROWS_PER_COPY rows, then VACUUM ANALYZE as autovacuum would after a bulk load, then a CHECKPOINT.
 */
async function seedWithCopy(databaseUrl: string, study: BenchStudy, perSubject: number): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await ensureReadingMonths(sql, NEWEST - (perSubject - 1) * EVERY_MINUTES * 60_000, NEWEST);
    const chunks = copyText(study, perSubject);
    // Set in a callback, which TypeScript does not follow: typed so the loop condition stays.
    let exhausted = false as boolean;
    const upTo = function* (count: number): Generator<string> {
      for (let taken = 0; taken < count; taken++) {
        const next = chunks.next();
        if (next.done) {
          exhausted = true;
          return;
        }
        yield next.value;
      }
    };
    while (!exhausted) {
      const copy =
        await sql`copy vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, systolic, diastolic, temperature, spo2, recorded_by) from stdin`.writable();
      await pipeline(Readable.from(upTo(ROWS_PER_COPY / LINES_PER_CHUNK)), copy);
    }
    await sql`vacuum analyze vital_signs`;
    // Seeding 20 M rows writes several GB of WAL and VACUUM dirties every page: without this the
    // checkpoint that follows would write them out during the timed rounds, on the same two cores.
    await sql`checkpoint`;
  } finally {
    await sql.end();
  }
}

/** The page must show every subject with its 5 newest readings, its latest, and its exact count, or there is nothing to time. */
function checkVolumePage(data: Record<string, any>, perSubject: number): void {
  const nodes = data.subjects.edges.map((edge: any) => edge.node);
  if (nodes.length !== PAGE) throw new Error(`asked for ${PAGE} subjects, got ${nodes.length}`);
  const newest = new Date(NEWEST).toISOString();
  for (const node of nodes) {
    if (node.vitals.edges.length !== 5 || node.vitals.totalCount !== perSubject || node.latestVitalSign?.recordedAt !== newest) {
      throw new Error(`subject ${node.subjectNumber} came back without its ${perSubject} readings: ${JSON.stringify(node).slice(0, 300)}`);
    }
  }
}

/**
 * p50 and p95 of the page of 50 subjects with `latestVitalSign` and `vitals(first: 5)` (with
 * totalCount) when each subject has FEW_READINGS readings and when it has
 * `options.volumeReadingsPerSubject` (5 M rows at 100,000), through the gateway and straight to
 * vitals. Two vitals databases, one subjects subgraph, a gateway per vitals: the only difference
 * between the contenders is how much history the vitals table holds.
 */
/** How many monthly partitions the seeded history of `perSubject` readings per subject spans. */
export function seededMonths(perSubject: number): number {
  return monthsBetween(NEWEST - (perSubject - 1) * EVERY_MINUTES * 60_000, NEWEST).length;
}

/** The two stacks of a volume measure, seeded and measured, for work that follows on the same tables (measure 8's imports). */
export interface VolumeStacks {
  study: BenchStudy;
  young: { vitals: AppProcess; gateway: AppProcess };
  old: { vitals: AppProcess; gateway: AppProcess };
}

export interface VolumeShape {
  /** The measure the rows belong to: 5, or 8 on a larger table. */
  measure: number;
  readingsPerSubject: number;
  /** Runs once the page is measured, on the same processes and tables. */
  then?: (stacks: VolumeStacks) => Promise<ResultRow[]>;
}

export async function measureReadLatencyAtVolume(
  options: BenchOptions,
  databases: { subjects: TestDatabase; few: TestDatabase; many: TestDatabase },
  log: (line: string) => void,
  shape: VolumeShape = { measure: 5, readingsPerSubject: options.volumeReadingsPerSubject },
): Promise<ResultRow[]> {
  const many = shape.readingsPerSubject;
  const apps: Array<AppProcess | undefined> = [];
  try {
    const subjects = await startSubjects(databases.subjects.url);
    apps.push(subjects);
    const young = await startVitalsAndGateway(subjects, databases.few.url);
    apps.push(young.vitals, young.gateway);
    const old = await startVitalsAndGateway(subjects, databases.many.url);
    apps.push(old.vitals, old.gateway);
    const study = await createBenchStudy(graphqlUrl(subjects), 'VOLUME', PAGE);

    log(`measure ${shape.measure} at volume: COPY ${PAGE} × ${FEW_READINGS} and ${PAGE} × ${many.toLocaleString('en')} readings`);
    const seedStarted = Date.now();
    await seedWithCopy(databases.few.url, study, FEW_READINGS);
    await seedWithCopy(databases.many.url, study, many);
    log(`  seeded in ${Math.round((Date.now() - seedStarted) / 1000)} s`);

    checkVolumePage(await mustQuery(young.gateway.url, GATEWAY_QUERY, { studyId: study.studyId }), FEW_READINGS);
    checkVolumePage(await mustQuery(old.gateway.url, GATEWAY_QUERY, { studyId: study.studyId }), many);
    const representations = study.subjects.map((subject) => ({ __typename: 'Subject', id: subject.id }));
    const gatewayBody = JSON.stringify({ query: GATEWAY_QUERY, variables: { studyId: study.studyId } });
    const vitalsBody = JSON.stringify({ query: VITALS_QUERY, variables: { representations } });
    const targets = [
      { name: 'gateway-few', url: young.gateway.url, body: gatewayBody },
      { name: 'gateway-many', url: old.gateway.url, body: gatewayBody },
      { name: 'vitals-few', url: graphqlUrl(young.vitals), body: vitalsBody },
      { name: 'vitals-many', url: graphqlUrl(old.vitals), body: vitalsBody },
    ];
    const headers = { 'content-type': 'application/json', ...(await adminHeaders()) };
    const connections = CONNECTIONS;
    // The same time under load as the other rows, cut in three times as many shorter rounds: the
    // two sides differ by little, and the busy minutes of a shared machine must fall on both.
    const rounds = options.mode === 'quick' ? options.runs : options.runs * 3;
    const seconds = options.mode === 'quick' ? options.readSeconds : Math.max(5, Math.round(options.readSeconds / 3));
    log(`  ${connections} connections, ${rounds} rounds × ${seconds} s per target; warm-up`);
    for (const target of targets) await loadWithAutocannon(target.url, target.body, headers, { connections, seconds: 1 });
    const samples = await runInterleaved(
      targets.map((target) => ({ name: target.name, run: () => loadWithAutocannon(target.url, target.body, headers, { connections, seconds }) })),
      { runs: rounds, log },
    );
    const failed = [...samples.values()].flat().reduce((sum, run) => sum + run.failed, 0);
    if (failed > 0) throw new Error(`${failed} requests failed or timed out under load`);

    const stat = (name: string, key: keyof LoadRun) => round(median(samples.get(name)!.map((run) => run[key])));
    const describe = (name: string) => `p50 ${stat(name, 'p50')} ms, p95 ${stat(name, 'p95')} ms, ${stat(name, 'requestsPerSecond')} req/s`;
    const volume = `${(PAGE * many).toLocaleString('en')} rows over ${seededMonths(many)} monthly partitions${options.mode === 'quick' ? '; quick mode: a smaller volume than the 100,000 per subject of the default run' : ''}`;
    const note =
      `seeded with COPY, then VACUUM ANALYZE and CHECKPOINT; autocannon on loopback in the benchmark's own process; figures: medians of ${rounds} interleaved runs of ${seconds} s; ` +
      'ratio: median of the ratios of the runs of each round, which were measured seconds apart';
    /**
     * The two sides of a round ran back to back, so their ratio shares the machine's load of that
     * minute; the median of those ratios is steadier than a ratio of two medians taken from
     * different minutes, which on a shared machine can differ by more than the database ever does.
     */
    const pairedRatio = (path: 'gateway' | 'vitals', percentile: 'p50' | 'p95') => {
      const few = samples.get(`${path}-few`)!;
      return round(median(samples.get(`${path}-many`)!.map((run, index) => run[percentile] / few[index]![percentile])));
    };
    const row = (path: 'gateway' | 'vitals', percentile: 'p50' | 'p95'): ResultRow => {
      const ratio = pairedRatio(path, percentile);
      return {
        measure: shape.measure,
        name: `page of ${PAGE} subjects with latestVitalSign and vitals(first: 5), ${connections} connections, ${path === 'gateway' ? 'through the gateway' : 'vitals subgraph direct'}, ${percentile}, at ${many.toLocaleString('en')} readings per subject`,
        figure: stat(`${path}-many`, percentile),
        unit: `ms (${percentile})`,
        figureText: `${describe(`${path}-many`)}; ${volume}`,
        reference: `${FEW_READINGS} readings per subject: ${describe(`${path}-few`)}`,
        ratio,
        target: `${percentile} ≤ 1.2× at ${FEW_READINGS} per subject`,
        verdict: judge(ratio <= 1.2),
        note,
        samples: Object.fromEntries([...samples].filter(([name]) => name.startsWith(path))),
      };
    };
    const rows = [row('gateway', 'p50'), row('gateway', 'p95'), row('vitals', 'p50'), row('vitals', 'p95')];
    return shape.then ? [...rows, ...(await shape.then({ study, young, old }))] : rows;
  } finally {
    await stopAll(...apps);
  }
}
