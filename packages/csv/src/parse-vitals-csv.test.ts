import { describe, expect, it } from 'vitest';
import { generateVitalsCsv } from './fixtures/index.js';
import { CsvFileError, parseVitalsCsv, type VitalsRow, type VitalsRowError } from './index.js';

const NOW = Date.UTC(2026, 0, 1);

async function parse(text: string | Uint8Array[], options: { timezone?: string; chunkSize?: number } = {}) {
  const chunks = typeof text === 'string' ? splitEvery(text, options.chunkSize ?? text.length) : text;
  const rows: VitalsRow[] = [];
  const errors: VitalsRowError[] = [];
  let rowsRead = 0;
  for await (const batch of parseVitalsCsv(chunks, { timezone: options.timezone, now: () => NOW, batchSize: 3 })) {
    rows.push(...batch.rows);
    errors.push(...batch.errors);
    rowsRead += batch.rowsRead;
  }
  return { rows, errors, rowsRead };
}

function splitEvery(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += Math.max(1, size)) chunks.push(text.slice(at, at + Math.max(1, size)));
  return chunks.length > 0 ? chunks : [''];
}

async function fileError(text: string | Uint8Array[]): Promise<CsvFileError> {
  const error = await parse(text).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CsvFileError);
  return error as CsvFileError;
}

describe('parseVitalsCsv', () => {
  it('reads a plain comma file with ISO times and a blood pressure column', async () => {
    const { rows, errors } = await parse(
      'patient_id,record_time,heart_rate,blood_pressure,temperature,respiratory_rate,spo2\nS-0001,2025-03-01T08:15:00Z,72,120/80,36.8,16,98\n',
    );
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        patientId: 'S-0001',
        recordedAt: Date.UTC(2025, 2, 1, 8, 15),
        heartRate: 72,
        systolic: 120,
        diastolic: 80,
        temperature: 36.8,
        respiratoryRate: 16,
        spo2: 98,
      },
    ]);
  });

  it('takes a BOM, semicolons, CRLF, aliased headers, decimal commas and local times in the given zone', async () => {
    const { rows, errors } = await parse(
      '\uFEFFPatient Id;Timestamp;HR;Systolic;Diastolic;Temp;SpO2\r\nS-0001;2025-07-01 10:00;61;118;76;36,6;97\r\nS-0002;2025-01-15 10:00:30;64;121;79;37,1;99\r\n',
      { timezone: 'Europe/Paris' },
    );
    expect(errors).toEqual([]);
    expect(rows.map((row) => [row.patientId, new Date(row.recordedAt).toISOString(), row.temperature, row.systolic, row.respiratoryRate])).toEqual([
      ['S-0001', '2025-07-01T08:00:00.000Z', 36.6, 118, null],
      ['S-0002', '2025-01-15T09:00:30.000Z', 37.1, 121, null],
    ]);
  });

  it('detects tabs, reads epoch seconds and milliseconds, and converts a °F column', async () => {
    const { rows } = await parse('PatientID\ttimestamp\tTemp (°F)\nS-1\t1740816000\t98.6\nS-1\t1740816060000\t100.4\n');
    expect(rows.map((row) => [row.recordedAt, row.temperature])).toEqual([
      [1740816000000, 37],
      [1740816060000, 38],
    ]);
  });

  it('reads a temperature in °F by its plausible range when the column does not say', async () => {
    const { rows } = await parse('patient_id,record_time,temperature\nS-1,2025-01-01T00:00:00Z,99.5\nS-1,2025-01-01T00:01:00Z,37.5\n');
    expect(rows.map((row) => row.temperature)).toEqual([37.5, 37.5]);
  });

  it('keeps quoted delimiters, escaped quotes and newlines inside fields, and counts lines from where each row starts', async () => {
    const { rows, errors } = await parse(
      'patient_id,record_time,heart_rate,note\n"S-1","2025-01-01T00:00:00Z",70,"a, ""quoted""\nnote"\nS-2,2025-01-01T00:00:00Z,x,\n',
      { chunkSize: 7 },
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ line: 2, patientId: 'S-1', heartRate: 70 });
    expect(errors).toEqual([expect.objectContaining({ line: 4, column: 'heart_rate', value: 'x', code: 'INVALID_NUMBER' })]);
  });

  it('skips blank lines and lines of bare delimiters, and ignores trailing delimiters', async () => {
    const { rows, rowsRead } = await parse('patient_id;record_time;spo2;\n\n;;;\nS-1;2025-01-01 00:00;97;\n\r\n');
    expect(rowsRead).toBe(1);
    expect(rows[0]).toMatchObject({ line: 4, spo2: 97 });
  });

  it('gives the same rows whatever the chunk boundaries, even inside a multi-byte character', async () => {
    const text = 'patient_id,record_time,heart_rate,comment\nS-1,2025-01-01T00:00:00Z,70,"température élevée"\r\nS-2,2025-01-01T00:00:00Z,71,ok\n';
    const bytes = new TextEncoder().encode(text);
    const byteChunks = Array.from({ length: bytes.length }, (_, index) => bytes.subarray(index, index + 1));
    const whole = await parse(text);
    expect(await parse(byteChunks)).toEqual(whole);
    expect(await parse(text, { chunkSize: 1 })).toEqual(whole);
  });

  it.each([
    ['heart_rate 400', 'OUT_OF_RANGE', 'S-1,2025-01-01T00:00:00Z,400,120/80,,,', 'heart_rate'],
    ['heart rate of 12.5', 'INVALID_NUMBER', 'S-1,2025-01-01T00:00:00Z,12.5,,,,', 'heart_rate'],
    ['diastolic above systolic', 'INVALID_BLOOD_PRESSURE', 'S-1,2025-01-01T00:00:00Z,,90/110,,,', 'blood_pressure'],
    ['blood pressure without a slash', 'INVALID_NUMBER', 'S-1,2025-01-01T00:00:00Z,,120,,,', 'blood_pressure'],
    ['temperature 50 °C', 'OUT_OF_RANGE', 'S-1,2025-01-01T00:00:00Z,,,50,,', 'temperature'],
    ['respiratory rate 2', 'OUT_OF_RANGE', 'S-1,2025-01-01T00:00:00Z,,,,2,', 'respiratory_rate'],
    ['SpO2 101', 'OUT_OF_RANGE', 'S-1,2025-01-01T00:00:00Z,,,,,101', 'spo2'],
    ['hexadecimal', 'INVALID_NUMBER', 'S-1,2025-01-01T00:00:00Z,0x40,,,,', 'heart_rate'],
    ['no measure at all', 'MISSING_VALUE', 'S-1,2025-01-01T00:00:00Z,,,,,', null],
    ['an empty patient_id', 'MISSING_VALUE', ',2025-01-01T00:00:00Z,70,,,,', 'patient_id'],
    ['an empty record_time', 'MISSING_VALUE', 'S-1,,70,,,,', 'record_time'],
    ['February 30th', 'INVALID_TIME', 'S-1,2025-02-30T00:00:00Z,70,,,,', 'record_time'],
    ['a US date', 'INVALID_TIME', 'S-1,03/01/2025 08:00,70,,,,', 'record_time'],
    ['a time in the future', 'IMPLAUSIBLE_TIME', 'S-1,2026-06-01T00:00:00Z,70,,,,', 'record_time'],
    ['too many fields', 'COLUMN_COUNT', 'S-1,2025-01-01T00:00:00Z,70,,,,,extra', null],
  ])('rejects a row with %s as %s', async (_title, code, line, column) => {
    const { rows, errors } = await parse(`patient_id,record_time,heart_rate,blood_pressure,temperature,respiratory_rate,spo2\n${line}\n`);
    expect(rows).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ line: 2, code, column })]);
    expect(errors[0]!.message.length).toBeGreaterThan(10);
  });

  it('reads ISO times with offsets, fractions and no seconds', async () => {
    const { rows } = await parse('patient_id,record_time,spo2\nS,2025-01-01T10:00:00+02:00,97\nS,2025-01-01T10:00:00.250-0130,97\nS,2025-01-01 10:00,97\n');
    expect(rows.map((row) => new Date(row.recordedAt).toISOString())).toEqual([
      '2025-01-01T08:00:00.000Z',
      '2025-01-01T11:30:00.250Z',
      '2025-01-01T10:00:00.000Z',
    ]);
  });

  it('names the missing columns of a header', async () => {
    const error = await fileError('patient,heart_rate\nS-1,70\n');
    expect(error.code).toBe('MISSING_COLUMN');
    expect(error.message).toContain('record_time');
  });

  it('refuses a file with no measure column', async () => {
    expect((await fileError('patient_id,record_time,comment\n')).code).toBe('MISSING_COLUMN');
  });

  it.each([
    ['an empty file', ''],
    ['only a BOM and blank lines', '\uFEFF\n\n'],
    ['a header without rows', 'patient_id,record_time,hr\n'],
  ])('refuses %s as EMPTY_FILE', async (_title, text) => {
    expect((await fileError(text)).code).toBe('EMPTY_FILE');
  });

  it('refuses binary content and invalid UTF-8 as NOT_TEXT', async () => {
    expect((await fileError([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00])])).code).toBe('NOT_TEXT');
    expect((await fileError([new Uint8Array([0x70, 0x61, 0xff, 0xfe, 0x0a])])).code).toBe('NOT_TEXT');
  });

  it('refuses a line over 64 KiB as LINE_TOO_LONG, and an unclosed quote that runs on as UNCLOSED_QUOTE', async () => {
    const header = 'patient_id,record_time,hr\n';
    expect((await fileError(`${header}S-1,2025-01-01T00:00:00Z,${'7'.repeat(70_000)}\n`)).code).toBe('LINE_TOO_LONG');
    expect((await fileError(`${header}"S-1,2025-01-01T00:00:00Z,70\n${'S-2,2025-01-01T00:00:00Z,70\n'.repeat(5_000)}`)).code).toBe('UNCLOSED_QUOTE');
  });

  it.each(['plain', 'excel-eu', 'tab-epoch'] as const)('finds exactly the bad rows the generator planted in a %s file', async (dialect) => {
    const file = generateVitalsCsv({ rows: 20_000, subjects: ['S-0001', 'S-0002', 'S-0003'], dialect, badRowFraction: 0.05, seed: 7 });
    const codes: Record<string, number> = {};
    let valid = 0;
    for await (const batch of parseVitalsCsv(file.stream(333), { timezone: file.timezone, now: () => NOW })) {
      valid += batch.rows.length;
      for (const error of batch.errors) codes[error.code] = (codes[error.code] ?? 0) + 1;
    }
    expect(valid).toBe(file.expected.valid);
    expect(codes).toEqual(file.expected.badByCode);
  });

  it('reads the same instants from every dialect of the same readings', async () => {
    const instants = async (dialect: 'plain' | 'excel-eu' | 'tab-epoch') => {
      const file = generateVitalsCsv({ rows: 500, subjects: ['S-1'], dialect, seed: 3, start: new Date('2025-03-30T00:00:00Z'), intervalSeconds: 60 });
      const rows: VitalsRow[] = [];
      for await (const batch of parseVitalsCsv(file.chunks(), { timezone: file.timezone, now: () => NOW })) rows.push(...batch.rows);
      return rows.map((row) => [row.recordedAt, row.heartRate, row.systolic, row.temperature]);
    };
    // Crosses the night Europe/Berlin moves its clocks forward.
    const plain = await instants('plain');
    expect(plain).toHaveLength(500);
    expect(await instants('excel-eu')).toEqual(plain);
    expect(await instants('tab-epoch')).toEqual(plain);
  });
});
