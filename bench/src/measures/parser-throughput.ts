import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseVitalsCsv } from '@trialgraph/csv';
import { parse as csvParse } from 'csv-parse';
import Papa from 'papaparse';
import type { BenchOptions } from '../bench-options.js';
import type { CsvFile } from '../csv-files.js';
import { runInterleaved } from '../interleave.js';
import { judge, type ResultRow } from '../results.js';
import { formatRate, median, round } from '../stats.js';

/** The slice size a file stream or an HTTP body hands over at a time. */
const CHUNK_BYTES = 64 * 1024;

function* slices(bytes: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) yield bytes.subarray(offset, offset + CHUNK_BYTES);
}

/** Records (header included) each contender found; they must agree, or the race was not fair. */
type ParseRun = { seconds: number; records: number };

async function timed(work: () => Promise<number> | number): Promise<ParseRun> {
  const started = process.hrtime.bigint();
  const records = await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, records };
}

/** Ours: streaming, decodes, splits, maps columns, checks ranges and times, converts units. */
async function parseOurs(bytes: Buffer, expectedBad: number): Promise<number> {
  let rows = 0;
  let bad = 0;
  for await (const batch of parseVitalsCsv(slices(bytes), { timezone: 'UTC' })) {
    rows += batch.rows.length;
    bad += batch.errors.length;
  }
  if (bad !== expectedBad) throw new Error(`our parser reported ${bad} bad rows, the generator made ${expectedBad}`);
  return rows + bad + 1;
}

/** csv-parse's streaming parser, fed the same slices: how one reads a file too big for memory. */
async function parseWithCsvParse(bytes: Buffer): Promise<number> {
  const parser = csvParse({ bom: true, relax_column_count: true });
  let records = 0;
  parser.on('readable', () => {
    while (parser.read() !== null) records++;
  });
  const done = finished(parser);
  for (const slice of slices(bytes)) if (!parser.write(slice)) await once(parser, 'drain');
  parser.end();
  await done;
  return records;
}

/**
 * PapaParse at its fastest here: the whole file as one string, handed back in 1 MiB chunks
 * of rows (faster than one array of every row, or a callback per row).
 */
function parseWithPapaparse(bytes: Buffer): number {
  let records = 0;
  // The typings leave `chunk` out of the string overload, which the library supports.
  const config = {
    skipEmptyLines: true,
    chunkSize: 1024 * 1024,
    chunk: (results: Papa.ParseResult<string[]>) => void (records += results.data.length),
  } as Papa.ParseConfig<string[]>;
  Papa.parse<string[]>(bytes.toString('utf8'), config);
  return records;
}

/** The floor: decode, split lines, split fields on commas; no quotes, no checks. */
function parseWithSplit(bytes: Buffer): number {
  const decoder = new TextDecoder();
  let carry = '';
  let records = 0;
  for (const slice of slices(bytes)) {
    const lines = (carry + decoder.decode(slice, { stream: true })).split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) if (line.split(',').length > 0) records++;
  }
  if (carry.length > 0) records++;
  return records;
}

export async function measureParserThroughput(options: BenchOptions, file: CsvFile, log: (line: string) => void): Promise<ResultRow[]> {
  const bytes = readFileSync(file.path);
  const contenders = [
    { name: 'ours', run: () => timed(() => parseOurs(bytes, file.expected.bad)) },
    { name: 'csv-parse', run: () => timed(() => parseWithCsvParse(bytes)) },
    { name: 'papaparse', run: () => timed(() => parseWithPapaparse(bytes)) },
    { name: 'split', run: () => timed(() => parseWithSplit(bytes)) },
  ];
  log(`measure 1: parser throughput, ${file.expected.rows} rows, ${round(bytes.length / 1e6)} MB in memory; warm-up`);
  await runInterleaved(contenders, { runs: 1 });
  const samples = await runInterleaved(contenders, { runs: Math.max(options.runs, 3), log });

  const rows = file.expected.rows;
  const rate = new Map<string, number>();
  for (const [name, runs] of samples) {
    for (const run of runs) {
      if (run.records !== rows + 1) throw new Error(`${name} found ${run.records} records, expected ${rows + 1} (header and rows)`);
    }
    rate.set(name, rows / median(runs.map((run) => run.seconds)));
  }
  const ours = rate.get('ours')!;
  const describe = (perSecond: number) => `${formatRate(perSecond)} rows/s (${round((perSecond * bytes.length) / rows / 1e6)} MB/s)`;
  const runsNote = `median of ${samples.get('ours')!.length} interleaved runs, ${rows} rows`;
  const seconds = Object.fromEntries([...samples].map(([name, runs]) => [name, runs.map((run) => round(run.seconds, 4))]));
  const row = (reference: string, target: number | null, targetText: string): ResultRow => {
    const ratio = ours / rate.get(reference)!;
    return {
      measure: 1,
      name: `parser: parse + validate vs ${reference === 'split' ? 'bare split' : reference} (parse only)`,
      figure: round(ours),
      unit: 'rows/s',
      figureText: describe(ours),
      reference: `${reference === 'split' ? 'bare split' : reference}: ${describe(rate.get(reference)!)}`,
      ratio,
      target: targetText,
      verdict: target === null ? 'REPORT' : judge(ratio >= target),
      note: runsNote,
      samples: { seconds },
    };
  };
  return [row('csv-parse', 2, '≥ 2×'), row('papaparse', 0.7, '≥ 0.7×'), row('split', null, 'report')];
}
