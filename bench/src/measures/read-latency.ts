import autocannon from 'autocannon';
import { adminHeaders, type AppProcess } from '@trialgraph/testing';
import type { BenchOptions } from '../bench-options.js';
import { runInterleaved } from '../interleave.js';
import { judge, type ResultRow } from '../results.js';
import { graphqlUrl, mustQuery, type BenchStudy } from '../stack.js';
import { median, percentile, round } from '../stats.js';

const PAGE = 50;
const LATEST = 'latestVitalSign { recordedAt heartRate bloodPressure temperature spo2 }';

/** The typical read: a page of subjects with their latest vitals, as a frontend asks for it. */
const GATEWAY_QUERY = `query($studyId: ID!) { subjects(studyId: $studyId, first: ${PAGE}) { edges { node { id subjectNumber status ${LATEST} } } } }`;
/** What the gateway's query plan asks each subgraph for: the page, then the entities' vitals. */
const SUBJECTS_QUERY = `query($studyId: ID!) { subjects(studyId: $studyId, first: ${PAGE}) { edges { node { __typename id subjectNumber status } } } }`;
const VITALS_QUERY = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Subject { ${LATEST} } } }`;

export interface LoadRun {
  p50: number;
  p95: number;
  requestsPerSecond: number;
  failed: number;
}

/** `connections` clients each sending the same POST back to back for `seconds`; latencies of every response. */
export async function loadWithAutocannon(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { connections: number; seconds: number },
): Promise<LoadRun> {
  const latencies: number[] = [];
  const instance = autocannon({ url, method: 'POST', connections: options.connections, duration: options.seconds, headers, body });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => void latencies.push(responseTime));
  const result = await instance;
  return {
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    requestsPerSecond: round(result.requests.total / options.seconds),
    failed: result.errors + result.timeouts + result.non2xx,
  };
}

/**
 * p50, p95 and requests/s of the page query through the gateway, and of the two subgraph
 * requests its plan makes, each sent straight to its subgraph. The gateway's cost is its
 * p50 over the sum of the direct p50s: parsing, planning and the extra hops.
 */
export async function measureReadLatency(
  options: BenchOptions,
  stack: { gateway: AppProcess; subjects: AppProcess; vitals: AppProcess },
  study: BenchStudy,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  const headers = { 'content-type': 'application/json', ...(await adminHeaders()) };
  const page = await mustQuery(stack.gateway.url, GATEWAY_QUERY, { studyId: study.studyId });
  const ids: string[] = page.subjects.edges.map((edge: any) => edge.node.id);
  if (ids.length !== PAGE || page.subjects.edges.some((edge: any) => !edge.node.latestVitalSign))
    throw new Error('the page query did not return 50 subjects with vitals');
  const representations = ids.map((id) => ({ __typename: 'Subject', id }));
  await mustQuery(graphqlUrl(stack.subjects), SUBJECTS_QUERY, { studyId: study.studyId });
  await mustQuery(graphqlUrl(stack.vitals), VITALS_QUERY, { representations });

  const targets = [
    { name: 'gateway', url: stack.gateway.url, body: JSON.stringify({ query: GATEWAY_QUERY, variables: { studyId: study.studyId } }) },
    { name: 'subjects', url: graphqlUrl(stack.subjects), body: JSON.stringify({ query: SUBJECTS_QUERY, variables: { studyId: study.studyId } }) },
    { name: 'vitals', url: graphqlUrl(stack.vitals), body: JSON.stringify({ query: VITALS_QUERY, variables: { representations } }) },
  ];
  const connections = options.readConnections;
  log(`measure 5: ${connections} connections × ${options.readSeconds} s per target; warm-up`);
  for (const target of targets) await loadWithAutocannon(target.url, target.body, headers, { connections, seconds: 1 });
  const samples = await runInterleaved(
    targets.map((target) => ({
      name: target.name,
      run: () => loadWithAutocannon(target.url, target.body, headers, { connections, seconds: options.readSeconds }),
    })),
    { runs: options.runs, log },
  );
  const failed = [...samples.values()].flat().reduce((sum, run) => sum + run.failed, 0);
  if (failed > 0) throw new Error(`${failed} requests failed or timed out under load`);
  const stat = (name: string, key: keyof LoadRun) => round(median(samples.get(name)!.map((run) => run[key])));
  const describe = (name: string) => `p50 ${stat(name, 'p50')} ms, p95 ${stat(name, 'p95')} ms, ${stat(name, 'requestsPerSecond')} req/s`;
  const directSum = stat('subjects', 'p50') + stat('vitals', 'p50');
  const ratio = stat('gateway', 'p50') / directSum;
  return [
    {
      measure: 5,
      name: `page of ${PAGE} subjects with latest vitals, ${connections} connections, through the gateway`,
      figure: stat('gateway', 'p50'),
      unit: 'ms (p50)',
      figureText: describe('gateway'),
      reference: `subjects direct: ${describe('subjects')}; vitals direct: ${describe('vitals')}; sum of p50s ${round(directSum)} ms`,
      ratio,
      target: 'p50 ≤ 1.5× direct sum',
      verdict: judge(ratio <= 1.5),
      note: `autocannon on loopback in the benchmark's own process; median of ${options.runs} interleaved runs of ${options.readSeconds} s`,
      samples: Object.fromEntries(samples),
    },
  ];
}
