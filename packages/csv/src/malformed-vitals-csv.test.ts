import { describe, expect, it } from 'vitest';
import { CsvFileError, parseVitalsCsv, type VitalsRow, type VitalsRowError } from './index.js';

/**
 * The malformed hospital exports of issue 12, each of which used to be stored lost or
 * mis-dated without a word: each must now be read as it is meant, or refused naming the line.
 */
const NOW = Date.UTC(2026, 0, 1, 12, 0);
const HEADER = 'patient_id,record_time,heart_rate';

async function parse(text: string, options: { timezone?: string; chunkSize?: number } = {}) {
  const size = Math.max(1, options.chunkSize ?? text.length);
  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += size) chunks.push(text.slice(at, at + size));
  const rows: VitalsRow[] = [];
  const errors: VitalsRowError[] = [];
  let rowsRead = 0;
  for await (const batch of parseVitalsCsv(chunks, { timezone: options.timezone, now: () => NOW })) {
    rows.push(...batch.rows);
    errors.push(...batch.errors);
    rowsRead += batch.rowsRead;
  }
  return { rows, errors, rowsRead };
}

async function fileError(text: string, options: { chunkSize?: number } = {}): Promise<CsvFileError> {
  const caught = await parse(text, options).then(
    () => null,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(CsvFileError);
  return caught as CsvFileError;
}

async function onlyTime(value: string, timezone?: string): Promise<number | VitalsRowError> {
  const { rows, errors } = await parse(`${HEADER}\nS-1,${value},72\n`, { timezone });
  return rows[0]?.recordedAt ?? errors[0]!;
}

describe('an unclosed quote', () => {
  it('fails the file as UNCLOSED_QUOTE at the line where the quote opened, instead of swallowing the rows after it', async () => {
    const text = `${HEADER}\nS-1,2025-03-01T08:00:00Z,72,"oops\nS-2,2025-03-01T08:00:00Z,73\nS-3,2025-03-01T08:00:00Z,74\n`;
    for (const chunkSize of [text.length, 5, 1]) {
      const error = await fileError(text, { chunkSize });
      expect(error.code).toBe('UNCLOSED_QUOTE');
      expect(error.message).toMatch(/^the quote opened on line 2 is not closed by the end of the file/);
    }
  });

  it('names the physical line of the quote when the record began on an earlier line', async () => {
    const text = `${HEADER},note\nS-1,2025-03-01T08:00:00Z,72,"two\nlines"\nS-2,2025-03-01T08:00:00Z,73,ok\nS-3,2025-03-01T08:00:00Z,74,"never closed\n`;
    expect((await fileError(text)).message).toMatch(/^the quote opened on line 5 /);
  });

  it('fails the file as UNCLOSED_QUOTE when the open quote runs past the longest record, naming where it opened', async () => {
    const rows = 'S-2,2025-03-01T08:00:00Z,73\n'.repeat(5_000);
    const error = await fileError(`${HEADER}\nS-1,2025-03-01T08:00:00Z,"72\n${rows}`, { chunkSize: 4096 });
    expect(error.code).toBe('UNCLOSED_QUOTE');
    expect(error.message).toMatch(/^the quote opened on line 2 is not closed within 65536 characters/);
  });
});

describe('blank lines before the header', () => {
  it.each([
    ['an empty line', '\n'],
    ['a CRLF line', '\r\n'],
    ['a line of spaces', '   \n'],
    ['a line of bare commas', ',,,\n'],
  ])('reads the delimiter off the header after %s', async (_title, before) => {
    const { rows, errors } = await parse(`${before}Patient Id;Record Time;HR\nS-1;2025-03-01 08:00;72\n`);
    expect(errors).toEqual([]);
    expect(rows).toEqual([expect.objectContaining({ line: 3, patientId: 'S-1', heartRate: 72, recordedAt: Date.UTC(2025, 2, 1, 8) })]);
  });

  it('names the line of the header it could not use', async () => {
    const error = await fileError('\n\npatient;heart_rate\nS-1;72\n');
    expect(error.code).toBe('MISSING_COLUMN');
    expect(error.message).toMatch(/^the header on line 3 lacks record_time/);
  });
});

describe('all-digit record times', () => {
  it.each([
    ['a compact date', '20250301', 'UTC', Date.UTC(2025, 2, 1)],
    ['a compact date and time to the minute', '202503010800', 'UTC', Date.UTC(2025, 2, 1, 8, 0)],
    ['a compact date and time to the second', '20250301081530', 'UTC', Date.UTC(2025, 2, 1, 8, 15, 30)],
    ['a compact wall-clock time in the import zone', '202507010800', 'Europe/Paris', Date.UTC(2025, 6, 1, 6, 0)],
    ['epoch seconds, 10 digits', '1740816000', 'UTC', Date.UTC(2025, 2, 1, 8, 0)],
    ['epoch seconds, 9 digits', '999999999', 'UTC', 999_999_999_000],
    ['epoch milliseconds, 13 digits', '1740816000123', 'UTC', Date.UTC(2025, 2, 1, 8, 0, 0, 123)],
    ['epoch milliseconds, 12 digits', '999999999999', 'UTC', 999_999_999_999],
  ])('reads %s as the time it is', async (_title, value, timezone, expected) => {
    expect(await onlyTime(value, timezone)).toBe(expected);
  });

  it.each([
    ['a compact date with month 13', '20251301'],
    ['a compact time at hour 24', '202503012400'],
    ['a 12-digit value that is a broken compact date, not epoch milliseconds', '202502300800'],
    ['7 digits', '1740816'],
    ['11 digits', '17408160001'],
    ['15 digits', '174081600012345'],
  ])('refuses %s as INVALID_TIME', async (_title, value) => {
    expect(await onlyTime(value)).toMatchObject({ line: 2, column: 'record_time', value, code: 'INVALID_TIME' });
  });
});

describe('implausible record times', () => {
  it.each([
    ['year 1', '0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['year 99', '0099-12-31 23:00', '0099-12-31T23:00:00.000Z'],
    ['the last second of 1899', '1899-12-31T23:59:59Z', '1899-12-31T23:59:59.000Z'],
  ])('refuses %s as IMPLAUSIBLE_TIME, naming the earliest time accepted', async (_title, value, iso) => {
    const error = await onlyTime(value);
    expect(error).toMatchObject({ line: 2, column: 'record_time', value, code: 'IMPLAUSIBLE_TIME' });
    expect((error as VitalsRowError).message).toBe(`record_time ${iso} is before 1900-01-01T00:00:00.000Z, the earliest time a reading may have`);
  });

  it('accepts the first instant of 1900', async () => {
    expect(await onlyTime('1900-01-01T00:00:00Z')).toBe(Date.UTC(1900, 0, 1));
  });

  it('accepts a time up to five minutes ahead of the clock, and refuses one later, naming the bound', async () => {
    expect(await onlyTime('2026-01-01T12:05:00Z')).toBe(NOW + 5 * 60_000);
    const error = await onlyTime('2026-01-01T12:05:01Z');
    expect(error).toMatchObject({ code: 'IMPLAUSIBLE_TIME' });
    expect((error as VitalsRowError).message).toBe(
      'record_time 2026-01-01T12:05:01.000Z is later than now (2026-01-01T12:00:00.000Z) plus 5 minutes allowed for clock drift',
    );
  });
});

describe('rows with fewer fields than the header', () => {
  const header = 'patient_id,record_time,heart_rate,spo2,note';

  it('refuses a truncated row as MISSING_FIELDS with the expected and found counts', async () => {
    const { rows, errors, rowsRead } = await parse(`${header}\nS-1,2025-03-01T08:00:00Z,72\nS-2,2025-03-01T08:00:00Z,72,97,\n`);
    expect(rowsRead).toBe(2);
    expect(rows.map((row) => row.line)).toEqual([3]);
    expect(errors).toEqual([
      { line: 2, column: null, value: null, code: 'MISSING_FIELDS', message: 'the row has 3 fields but the header names 5: is the line cut short?' },
    ]);
  });

  it('takes a trailing delimiter on the header but not on the rows, and the other way round', async () => {
    const withTrailing = await parse('patient_id;record_time;heart_rate;\nS-1;2025-03-01 08:00;72\nS-2;2025-03-01 08:00;73;\nS-3;2025-03-01 08:00;74;;\n');
    expect(withTrailing.errors).toEqual([]);
    expect(withTrailing.rows.map((row) => row.heartRate)).toEqual([72, 73, 74]);
    const withoutTrailing = await parse('patient_id;record_time;heart_rate\nS-1;2025-03-01 08:00;72;\n');
    expect(withoutTrailing.errors).toEqual([]);
    expect(withoutTrailing.rows).toHaveLength(1);
  });

  it('does not count blank lines or lines of bare delimiters as rows, truncated or not', async () => {
    const { rows, errors, rowsRead } = await parse(`${header}\n\n,,\n  \nS-1,2025-03-01T08:00:00Z,72,97,\n,\n`);
    expect(errors).toEqual([]);
    expect(rowsRead).toBe(1);
    expect(rows[0]?.line).toBe(5);
  });
});

describe('CR-only line endings', () => {
  it('reads a file whose lines end in CR alone as it reads CRLF, with the same line numbers', async () => {
    const lines = [
      'patient_id,record_time,heart_rate,note',
      'S-1,2025-03-01T08:00:00Z,72,"a\rnote"',
      'S-2,2025-03-01T09:00:00Z,x,',
      'S-3,2025-03-01T10:00:00Z,74,',
    ];
    const crlf = await parse(`${lines.join('\r\n')}\r\n`);
    for (const chunkSize of [10_000, 3, 1]) {
      const cr = await parse(`${lines.join('\r')}\r`, { chunkSize });
      expect(cr.rows.map((row) => [row.line, row.patientId, row.heartRate])).toEqual([
        [2, 'S-1', 72],
        [5, 'S-3', 74],
      ]);
      expect(cr.errors).toEqual([expect.objectContaining({ line: 4, code: 'INVALID_NUMBER' })]);
      expect(cr.rows.map((row) => row.patientId)).toEqual(crlf.rows.map((row) => row.patientId));
    }
  });
});
