import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CSV_FILE_ERROR_CODES, CsvFileError, IMPORT_ERROR_CODES, parseVitalsCsv, VITALS_ROW_ERROR_CODES, type ImportErrorCode } from './index.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const EXAMPLE_HEADER = 'patient_id,record_time,heart_rate,blood_pressure,temperature';

/** The rows of the README's table of codes: code, level, raised by, meaning, example. */
function readmeCodeTable(): string[][] {
  const start = README.indexOf('| code | level | raised by | meaning | example |');
  expect(start).toBeGreaterThan(-1);
  const lines = README.slice(start).split('\n');
  const rows: string[][] = [];
  for (const line of lines.slice(2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

/** What a file example stands for: ⏎ is a line break, ␀ a NUL byte. */
function fileOf(example: string): string {
  return example.replaceAll('⏎', '\n').replaceAll('␀', '\u0000');
}

async function codeOf(file: string): Promise<string | undefined> {
  try {
    for await (const batch of parseVitalsCsv([new TextEncoder().encode(file)], { now: () => Date.UTC(2026, 0, 1) })) {
      if (batch.errors[0]) return batch.errors[0].code;
    }
    return undefined;
  } catch (error) {
    if (error instanceof CsvFileError) return error.code;
    throw error;
  }
}

describe('the codes of the README', () => {
  it('are exactly the codes of IMPORT_ERROR_CODES, in order, with their level, origin and description', () => {
    expect(readmeCodeTable().map(([code, level, raisedBy, meaning]) => [code, level, raisedBy, meaning])).toEqual(
      Object.entries(IMPORT_ERROR_CODES).map(([code, entry]) => [`\`${code}\``, entry.level, entry.raisedBy, entry.description]),
    );
  });

  it('each give the code they document when the parser reads their example', async () => {
    const checked: string[] = [];
    for (const [quotedCode, level, raisedBy, , example] of readmeCodeTable()) {
      const code = quotedCode!.replaceAll('`', '') as ImportErrorCode;
      const literal = /^`([^`]+)`$/.exec(example!)?.[1];
      if (raisedBy !== 'parser' || literal === undefined) continue;
      const file = level === 'row' ? `${EXAMPLE_HEADER}\n${literal}\n` : fileOf(literal);
      expect([code, await codeOf(file)]).toEqual([code, code]);
      checked.push(code);
    }
    // Every code the parser gives but LINE_TOO_LONG, whose example is too long to print.
    expect(checked).toEqual([...VITALS_ROW_ERROR_CODES, ...CSV_FILE_ERROR_CODES].filter((code) => code !== 'LINE_TOO_LONG'));
  });
});
