import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseVitalsCsv } from '@trialgraph/csv';
import { generateVitalsCsv, type GeneratedVitalsCsv } from '@trialgraph/csv/fixtures';
import type { BenchStudy } from './stack.js';

/** Share of bad rows in every benchmark file: the parser's error path is part of the work. */
export const BAD_ROW_FRACTION = 0.01;

export interface CsvFile {
  path: string;
  bytes: number;
  expected: GeneratedVitalsCsv['expected'];
}

/** Benchmark files live in one temporary folder, removed at the end; never in git. */
export class BenchFiles {
  readonly directory = mkdtempSync(join(tmpdir(), 'trialgraph-bench-'));

  path(name: string): string {
    return join(this.directory, name);
  }

  /** A deterministic plain-dialect vitals file of `rows` rows cycling through the given subject numbers, from `start` (1 January 2025 by default). */
  async writeVitalsCsv(name: string, rows: number, subjectNumbers: readonly string[], start?: Date): Promise<CsvFile> {
    const generated = generateVitalsCsv({
      rows,
      subjects: subjectNumbers,
      dialect: 'plain',
      badRowFraction: BAD_ROW_FRACTION,
      seed: 7,
      ...(start ? { start } : {}),
    });
    const path = this.path(name);
    await pipeline(Readable.from(generated.stream(5_000)), createWriteStream(path));
    return { path, bytes: statSync(path).size, expected: generated.expected };
  }

  remove(): void {
    rmSync(this.directory, { recursive: true, force: true });
  }
}

/** The subject numbers a file for this study cycles through. */
export function subjectNumbersOf(study: BenchStudy): string[] {
  return study.subjects.map((subject) => subject.subjectNumber);
}

/** The columns `psql \copy` fills: those an import fills, in the same order. */
export const COPY_COLUMNS =
  'subject_id, study_id, site_id, recorded_at, heart_rate, systolic, diastolic, temperature, respiratory_rate, spo2, import_id, source_line, recorded_by';

/** The import the reference rows name. */
const REFERENCE_IMPORT_ID = '00000000-0000-4000-8000-00000000c0b1';

/**
 * The valid rows of a CSV file in COPY text format, subjects resolved to their ids: the
 * reference load gets exactly the rows the import stores, already checked, so it measures
 * PostgreSQL's bulk path alone. Built with our parser, outside any timing. Every row names one
 * import, as an import's rows name theirs.
 */
export async function writeCopyFile(csv: CsvFile, study: BenchStudy, path: string): Promise<number> {
  const ids = new Map(study.subjects.map((subject) => [subject.subjectNumber, subject.id]));
  const value = (field: number | null) => (field === null ? '\\N' : String(field));
  const out = createWriteStream(path);
  let written = 0;
  async function* lines(): AsyncGenerator<string> {
    for await (const batch of parseVitalsCsv(createReadStream(csv.path, { highWaterMark: 256 * 1024 }), { timezone: 'UTC' })) {
      let text = '';
      for (const row of batch.rows) {
        const subjectId = ids.get(row.patientId.toUpperCase());
        if (!subjectId) throw new Error(`the file names ${row.patientId}, which is not a subject of the benchmark study`);
        text += `${subjectId}\t${study.studyId}\t${study.siteId}\t${new Date(row.recordedAt).toISOString()}\t${value(row.heartRate)}\t${value(row.systolic)}\t${value(row.diastolic)}\t${value(row.temperature)}\t${value(row.respiratoryRate)}\t${value(row.spo2)}\t${REFERENCE_IMPORT_ID}\t${row.line}\tbench\n`;
        written++;
      }
      yield text;
    }
  }
  await pipeline(Readable.from(lines()), out);
  return written;
}
