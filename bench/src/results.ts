import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MachineInfo } from './machine-info.js';

/**
 * MET / MISSED judge a target; REPORT is a figure with no target; NOT MEASURED names what the
 * stack lacks to measure it; ERROR means the measure failed and makes the run exit non-zero.
 */
export type Verdict = 'MET' | 'MISSED' | 'REPORT' | 'NOT MEASURED' | 'ERROR';

/** One line of the table: a figure next to its reference from the same run. */
export interface ResultRow {
  /** The measure number, 1 to 7. */
  measure: number;
  name: string;
  /** The headline number, in `unit`; null only when NOT MEASURED or ERROR. */
  figure: number | null;
  unit: string;
  /** The figure as printed, with secondary numbers (MB/s, p95, ...). */
  figureText: string;
  reference: string;
  /** figure ÷ reference in the sense the target states; null when there is no reference. */
  ratio: number | null;
  target: string;
  verdict: Verdict;
  /** Why NOT MEASURED / ERROR, or what bounds the figure. */
  note?: string;
  /** The raw samples behind the median, for whoever doubts it. */
  samples?: Record<string, unknown>;
}

export interface BenchReport {
  generatedAt: string;
  mode: 'quick' | 'default' | 'full';
  command: string;
  durationSeconds: number;
  machine: MachineInfo;
  notes: string[];
  results: ResultRow[];
}

export function judge(met: boolean): Verdict {
  return met ? 'MET' : 'MISSED';
}

/** A row for a measure that threw: the table still prints, and the exit code says it failed. */
export function errorRow(measure: number, name: string, error: unknown): ResultRow {
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  return { measure, name, figure: null, unit: '', figureText: '—', reference: '—', ratio: null, target: '—', verdict: 'ERROR', note: message };
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdownTable(rows: readonly ResultRow[]): string {
  const lines = ['| # | measure | figure | reference (same run) | ratio | target | result |', '|---|---|---|---|---|---|---|'];
  for (const row of rows) {
    const ratio = row.ratio === null ? '—' : `${row.ratio.toFixed(2)}×`;
    const verdict = row.verdict === 'NOT MEASURED' || row.verdict === 'ERROR' ? `${row.verdict}: ${row.note ?? ''}` : row.verdict;
    lines.push(`| ${row.measure} | ${cell(row.name)} | ${cell(row.figureText)} | ${cell(row.reference)} | ${ratio} | ${cell(row.target)} | ${cell(verdict)} |`);
  }
  return lines.join('\n');
}

export function renderMachine(machine: MachineInfo): string {
  return (
    `${machine.cores} × ${machine.cpuModel}, ${machine.memoryGiB} GiB RAM, ${machine.os}; Node ${machine.node}; PostgreSQL ${machine.postgres}; ` +
    `load average ${machine.loadAverageAtStart.join(' / ')} at start, ${machine.loadAverageAtEnd?.join(' / ') ?? '?'} at end`
  );
}

export function writeReport(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}
