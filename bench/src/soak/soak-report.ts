import { percentile, round } from '../stats.js';
import type { Footprint } from './process-footprint.js';
import type { OperationKind, OperationRecord } from './soak-workload.js';

export interface OperationSummary {
  kind: OperationKind;
  sent: number;
  ok: number;
  errors: number;
  /** Successful operations per second of the load phase. */
  throughputPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface ProcessSummary {
  name: string;
  rssStartBytes: number;
  rssEndBytes: number;
  /** end ÷ start − 1. */
  rssGrowth: number;
  handlesStart: number;
  handlesEnd: number;
  handlesGrowth: number;
}

export interface SoakReport {
  generatedAt: string;
  command: string;
  minutes: number;
  loadSeconds: number;
  warmupSeconds: number;
  mix: Record<string, number>;
  operations: OperationSummary[];
  total: { sent: number; ok: number; throughputPerSecond: number };
  errorsByCode: Record<string, number>;
  /** The first message a client got for each code, and for which operation. */
  errorExamples: Record<string, string>;
  /** Arrivals the client did not send because too many were already waiting. */
  skippedArrivals: number;
  processes: ProcessSummary[];
  footprintNote: string;
  verdict: 'PASS' | 'FAIL';
  reasons: string[];
  /** Each process's footprint every 5 s of the load, seconds from its start. */
  timeline: Array<{ at: number; process: string } & Footprint>;
}

/** No code is expected under this load: each one is a request a user would have seen fail. */
export const EXPECTED_CODES: ReadonlySet<string> = new Set();
/** Growth of RSS or open handles between start and end past which the run fails. */
export const MAX_GROWTH = 0.1;

const KINDS: OperationKind[] = ['read', 'createSubject', 'small import', 'large import'];

export function summarizeOperations(
  records: readonly OperationRecord[],
  loadSeconds: number,
): Pick<SoakReport, 'operations' | 'total' | 'errorsByCode' | 'errorExamples'> {
  const operations = KINDS.map((kind): OperationSummary => {
    const mine = records.filter((record) => record.kind === kind);
    const ok = mine.filter((record) => record.code === null);
    const latencies = ok.map((record) => record.ms);
    return {
      kind,
      sent: mine.length,
      ok: ok.length,
      errors: mine.length - ok.length,
      throughputPerSecond: ok.length / loadSeconds,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      p99Ms: percentile(latencies, 99),
    };
  });
  const errorsByCode: Record<string, number> = {};
  const errorExamples: Record<string, string> = {};
  for (const record of records) {
    if (record.code === null) continue;
    errorsByCode[record.code] = (errorsByCode[record.code] ?? 0) + 1;
    errorExamples[record.code] ??= `${record.kind}: ${record.message ?? ''}`;
  }
  const ok = records.filter((record) => record.code === null).length;
  return { operations, total: { sent: records.length, ok, throughputPerSecond: ok / loadSeconds }, errorsByCode, errorExamples };
}

export function summarizeProcesses(
  start: Record<string, Footprint | null>,
  end: Record<string, Footprint | null>,
): { processes: ProcessSummary[]; missing: string[] } {
  const processes: ProcessSummary[] = [];
  const missing: string[] = [];
  for (const name of Object.keys(start)) {
    const before = start[name];
    const after = end[name];
    if (!before || !after) {
      missing.push(name);
      continue;
    }
    processes.push({
      name,
      rssStartBytes: before.rssBytes,
      rssEndBytes: after.rssBytes,
      rssGrowth: after.rssBytes / before.rssBytes - 1,
      handlesStart: before.openHandles,
      handlesEnd: after.openHandles,
      handlesGrowth: after.openHandles / before.openHandles - 1,
    });
  }
  return { processes, missing };
}

/** Why the run fails, if it does: unexpected codes, skipped arrivals, a lost process, growth past MAX_GROWTH. */
export function judgeSoak(
  report: Pick<SoakReport, 'errorsByCode' | 'skippedArrivals' | 'processes' | 'operations'>,
  missingProcesses: readonly string[],
): string[] {
  const reasons: string[] = [];
  const unexpected = Object.entries(report.errorsByCode).filter(([code]) => !EXPECTED_CODES.has(code));
  if (unexpected.length > 0) reasons.push(`unexpected error codes: ${unexpected.map(([code, count]) => `${code} × ${count}`).join(', ')}`);
  if (report.skippedArrivals > 0) reasons.push(`${report.skippedArrivals} arrivals skipped: too many requests were waiting for an answer`);
  for (const name of missingProcesses) reasons.push(`${name} exited during the run`);
  for (const operation of report.operations) if (operation.ok === 0) reasons.push(`no ${operation.kind} succeeded`);
  for (const process of report.processes) {
    if (process.rssGrowth > MAX_GROWTH)
      reasons.push(`${process.name} RSS grew ${percent(process.rssGrowth)} (${mb(process.rssStartBytes)} → ${mb(process.rssEndBytes)})`);
    if (process.handlesGrowth > MAX_GROWTH)
      reasons.push(`${process.name} open handles grew ${percent(process.handlesGrowth)} (${process.handlesStart} → ${process.handlesEnd})`);
  }
  return reasons;
}

const percent = (fraction: number) => `${fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(1)} %`;
const mb = (bytes: number) => `${round(bytes / 1024 ** 2)} MB`;
const ms = (value: number) => (Number.isFinite(value) ? `${round(value)} ms` : '—');

export function renderSoakReport(report: SoakReport): string {
  const lines = [
    `trialgraph soak: ${report.minutes} min after a warm-up of ${report.warmupSeconds} s (${report.loadSeconds} s of load in all); ${Object.entries(report.mix)
      .map(([name, value]) => `${name} ${value}`)
      .join(', ')}`,
    '',
    '| operation | sent | ok | errors | throughput | p50 | p95 | p99 |',
    '|---|---|---|---|---|---|---|---|',
    ...report.operations.map(
      (operation) =>
        `| ${operation.kind} | ${operation.sent} | ${operation.ok} | ${operation.errors} | ${round(operation.throughputPerSecond)}/s | ${ms(operation.p50Ms)} | ${ms(operation.p95Ms)} | ${ms(operation.p99Ms)} |`,
    ),
    `| all | ${report.total.sent} | ${report.total.ok} | ${report.total.sent - report.total.ok} | ${round(report.total.throughputPerSecond)}/s | | | |`,
    '',
    `errors by code: ${
      Object.keys(report.errorsByCode).length === 0
        ? 'none'
        : Object.entries(report.errorsByCode)
            .map(([code, count]) => `${code} × ${count}`)
            .join(', ')
    }`,
    ...Object.entries(report.errorExamples).map(([code, example]) => `  ${code}, first seen: ${example}`),
    '',
    '| process | RSS start | RSS end | growth | open handles start | end | growth |',
    '|---|---|---|---|---|---|---|',
    ...report.processes.map(
      (process) =>
        `| ${process.name} | ${mb(process.rssStartBytes)} | ${mb(process.rssEndBytes)} | ${percent(process.rssGrowth)} | ${process.handlesStart} | ${process.handlesEnd} | ${percent(process.handlesGrowth)} |`,
    ),
    '',
    report.footprintNote,
    '',
    report.verdict === 'PASS' ? 'verdict: PASS' : `verdict: FAIL\n${report.reasons.map((reason) => `- ${reason}`).join('\n')}`,
  ];
  return lines.join('\n');
}
