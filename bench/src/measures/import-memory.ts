import { rmSync } from 'node:fs';
import type { AppProcess } from '@trialgraph/testing';
import type postgres from 'postgres';
import type { BenchOptions } from '../bench-options.js';
import { subjectNumbersOf, type BenchFiles, type CsvFile } from '../csv-files.js';
import { judge, type ResultRow } from '../results.js';
import { sampleRss } from '../rss-sampler.js';
import { startVitalsAndGateway, stopAll, type BenchStudy } from '../stack.js';
import { formatRate, round } from '../stats.js';
import { timedImport } from './import-throughput.js';

const MB = 1e6;
const CEILING_MB = 300;

export interface MemoryTarget {
  subjects: AppProcess;
  vitalsDatabaseUrl: string;
  vitalsSql: postgres.Sql;
  study: BenchStudy;
}

interface SizePeak {
  rows: number;
  fileMB: number;
  seconds: number;
  idleMB: Record<string, number>;
  peakMB: Record<string, number>;
}

/** Plain-dialect rows average ~62 bytes: enough to size a file of a given byte count. */
function rowsForBytes(bytes: number): number {
  return Math.round(bytes / 62);
}

/**
 * Peak RSS of the gateway and vitals while each imports a file through the gateway, with
 * fresh processes per size so one import's heap is not billed to the next. Memory that
 * grows with the file means something buffers it; the target is a flat line.
 */
export async function measureImportMemory(options: BenchOptions, target: MemoryTarget, files: BenchFiles, log: (line: string) => void): Promise<ResultRow[]> {
  const sizes = [...options.memoryRows];
  if (options.memoryFileBytes) sizes[sizes.length - 1] = rowsForBytes(options.memoryFileBytes);
  const peaks: SizePeak[] = [];
  for (const rows of sizes) {
    const file: CsvFile = await files.writeVitalsCsv(`memory-${rows}.csv`, rows, subjectNumbersOf(target.study));
    let vitals: AppProcess | undefined;
    let gateway: AppProcess | undefined;
    try {
      await target.vitalsSql`truncate vital_signs`;
      ({ vitals, gateway } = await startVitalsAndGateway(target.subjects, target.vitalsDatabaseUrl));
      const pids = { gateway: gateway.process.pid!, vitals: vitals.process.pid! };
      const idle = sampleRss(pids).stop();
      const sampler = sampleRss(pids, 100);
      let seconds: number;
      let peak: Record<string, number>;
      try {
        ({ seconds } = await timedImport(gateway.url, target.study, file));
      } finally {
        peak = sampler.stop();
      }
      const toMB = (values: Record<string, number>) => Object.fromEntries(Object.entries(values).map(([name, bytes]) => [name, round(bytes / MB)]));
      peaks.push({ rows, fileMB: round(file.bytes / MB), seconds, idleMB: toMB(idle), peakMB: toMB(peak) });
      log(`  ${rows} rows (${round(file.bytes / MB)} MB): peak RSS ${JSON.stringify(toMB(peak))} MB, idle ${JSON.stringify(toMB(idle))} MB`);
    } finally {
      await stopAll(vitals, gateway);
      rmSync(file.path, { force: true });
    }
  }
  await target.vitalsSql`truncate vital_signs`;

  const first = peaks[0]!;
  const last = peaks[peaks.length - 1]!;
  return (['gateway', 'vitals'] as const).map((app) => {
    const largest = last.peakMB[app]!;
    const smallest = first.peakMB[app]!;
    const ratio = largest / smallest;
    const worst = Math.max(...peaks.map((size) => size.peakMB[app]!));
    return {
      measure: 3,
      name: `peak RSS of ${app} importing ${formatRate(last.rows)} rows (${last.fileMB} MB)`,
      figure: largest,
      unit: 'MB',
      figureText: `${largest} MB (${peaks.map((size) => `${formatRate(size.rows)}: ${size.peakMB[app]}`).join(', ')})`,
      reference: `same at ${formatRate(first.rows)} rows: ${smallest} MB`,
      ratio,
      target: `≤ 1.2× and < ${CEILING_MB} MB`,
      verdict: judge(ratio <= 1.2 && worst < CEILING_MB),
      note: 'sampled every 100 ms from /proc/<pid>/status VmRSS; fresh processes per size',
      samples: { sizes: peaks },
    };
  });
}
