import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvRecordSplitter } from './csv-records.js';
import { CsvFileError, parseVitalsCsv, VITALS_ROW_ERROR_CODES, type VitalsRow, type VitalsRowError } from './index.js';

/**
 * Properties of the parser over generated files: any valid table written by a reference
 * writer (csv-stringify) reads back to the same readings, and no byte sequence crashes it,
 * hangs it, grows its buffer past the longest record, or loses a row from the counts.
 */
const NOW = Date.UTC(2026, 10, 1);
const RUNS = 1_000;
/** A guard against a hang on a loaded machine, not a speed claim: a run takes seconds. */
const TIMEOUT_MS = 180_000;

/** Header spellings the parser documents, as hospital and device exports write them. */
const HEADER_SPELLINGS = {
  patientId: ['patient_id', 'Patient Id', 'PatientID', 'subject', 'Subject ID', 'pid', 'PARTICIPANT_ID'],
  recordTime: ['record_time', 'Timestamp', 'time', 'DateTime', 'Recorded At', 'measurement time'],
  heartRate: ['heart_rate', 'HR', 'Pulse', 'bpm', 'Heart Rate (bpm)'],
  bloodPressure: ['blood_pressure', 'BP', 'NIBP', 'BP (mmHg)'],
  systolic: ['systolic', 'SBP', 'Sys'],
  diastolic: ['diastolic', 'DBP', 'Dia'],
  celsius: ['temperature', 'Temp', 'Temp (C)', 'Body Temperature'],
  fahrenheit: ['Temp (°F)', 'temperature_f', 'Temperature Fahrenheit'],
  respiratoryRate: ['respiratory_rate', 'RR', 'Resp Rate', 'Respiration'],
  spo2: ['spo2', 'SpO2', 'O2 Sat', 'SaO2', 'SpO2 (%)'],
} as const;

const TIME_FORMATS = ['iso-utc', 'iso-offset', 'wall-clock', 'compact-minutes', 'compact-seconds', 'epoch-seconds', 'epoch-milliseconds'] as const;
type TimeFormat = (typeof TIME_FORMATS)[number];
const TIMEZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns'];
const LINE_BREAKS = { LF: '\n', CRLF: '\r\n', CR: '\r' } as const;

interface Reading {
  patientId: string;
  at: number;
  format: TimeFormat;
  heartRate: number | null;
  bloodPressure: [number, number] | null;
  temperature: number | null;
  respiratoryRate: number | null;
  spo2: number | null;
  comment: string;
}

const reading: fc.Arbitrary<Reading> = fc.record({
  patientId: fc.stringMatching(/^[A-Z]{1,4}-[0-9]{1,5}$/),
  at: fc.integer({ min: Date.UTC(2000, 0, 1), max: NOW - 86_400_000 }),
  format: fc.constantFrom(...TIME_FORMATS),
  heartRate: fc.option(fc.integer({ min: 20, max: 300 }), { nil: null }),
  bloodPressure: fc.option(
    fc.tuple(fc.integer({ min: 50, max: 300 }), fc.integer({ min: 20, max: 200 })).filter(([systolic, diastolic]) => diastolic < systolic),
    { nil: null },
  ),
  temperature: fc.option(
    fc.integer({ min: 300, max: 450 }).map((tenths) => tenths / 10),
    { nil: null },
  ),
  respiratoryRate: fc.option(fc.integer({ min: 4, max: 80 }), { nil: null }),
  spo2: fc.option(fc.integer({ min: 50, max: 100 }), { nil: null }),
  // Free text the parser ignores, full of what forces quoting: delimiters, quotes, line breaks.
  comment: fc.string({ unit: fc.constantFrom('a', ' ', ',', ';', '\t', '"', '\n', '\r', 'é', '😀'), maxLength: 12 }),
});

const dialect = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t'),
  lineBreak: fc.constantFrom('LF', 'CRLF', 'CR'),
  quoteEverything: fc.boolean(),
  bom: fc.boolean(),
  decimalComma: fc.boolean(),
  blankLineEvery: fc.constantFrom(0, 0, 2, 3),
  timezone: fc.constantFrom(...TIMEZONES),
  splitBloodPressure: fc.boolean(),
  fahrenheit: fc.boolean(),
  // Which measure columns the file has (at least one), and the order of all its columns.
  measures: fc.subarray(['heartRate', 'bloodPressure', 'temperature', 'respiratoryRate', 'spo2'] as const, { minLength: 1 }),
  spellingSeed: fc.nat(),
  columnOrderSeed: fc.nat(),
});

const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

function offsetMinutesAt(timezone: string, at: number): number {
  const parts: Record<string, number> = {};
  let format = wallClockFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallClockFormats.set(timezone, format);
  }
  for (const part of format.formatToParts(at)) parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((wall - Math.floor(at / 1000) * 1000) / 60_000);
}

/** A wall-clock time means one instant only away from a daylight-saving change. */
function wallClockIsUnambiguous(timezone: string, at: number): boolean {
  return offsetMinutesAt(timezone, at - 3 * 3_600_000) === offsetMinutesAt(timezone, at + 3 * 3_600_000);
}

/** How the reading's time is written, and the instant that text stands for. */
function writeTime(at: number, format: TimeFormat, timezone: string): { text: string; instant: number } {
  const seconds = Math.floor(at / 1000) * 1000;
  const minutes = Math.floor(at / 60_000) * 60_000;
  const wallClockFormat = format === 'wall-clock' || format === 'compact-minutes' || format === 'compact-seconds';
  if (wallClockFormat && !wallClockIsUnambiguous(timezone, at)) return { text: new Date(at).toISOString(), instant: at };
  const local = (instant: number) => new Date(instant + offsetMinutesAt(timezone, instant) * 60_000).toISOString();
  switch (format) {
    case 'iso-utc':
      return { text: new Date(at).toISOString(), instant: at };
    case 'iso-offset': {
      const offset = offsetMinutesAt(timezone, at);
      const sign = offset < 0 ? '-' : '+';
      const hhmm = `${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
      return { text: `${new Date(at + offset * 60_000).toISOString().slice(0, 23)}${sign}${hhmm}`, instant: at };
    }
    case 'wall-clock':
      return { text: local(seconds).slice(0, 19).replace('T', ' '), instant: seconds };
    case 'compact-minutes':
      return { text: local(minutes).slice(0, 16).replace(/[-T:]/g, ''), instant: minutes };
    case 'compact-seconds':
      return { text: local(seconds).slice(0, 19).replace(/[-T:]/g, ''), instant: seconds };
    case 'epoch-seconds':
      return { text: String(seconds / 1000), instant: seconds };
    case 'epoch-milliseconds':
      return { text: String(at), instant: at };
  }
}

type Dialect = typeof dialect extends fc.Arbitrary<infer D> ? D : never;

/** The file csv-stringify writes for these readings, and the rows the parser must give back. */
function writeFile(readings: Reading[], spec: Dialect): { bytes: Uint8Array; expected: VitalsRow[] } {
  const pick = <T>(options: readonly T[], salt: number) => options[(spec.spellingSeed + salt) % options.length]!;
  const has = (measure: (typeof spec.measures)[number]) => spec.measures.includes(measure);
  const number = (value: number, digits: number) =>
    spec.decimalComma && spec.delimiter !== ',' ? value.toFixed(digits).replace('.', ',') : value.toFixed(digits);
  type Column = { header: string; write: (reading: Reading, time: string) => string };
  const columns: Column[] = [
    { header: pick(HEADER_SPELLINGS.patientId, 1), write: (r) => r.patientId },
    { header: pick(HEADER_SPELLINGS.recordTime, 2), write: (_r, time) => time },
    { header: 'Comment', write: (r) => r.comment },
  ];
  if (has('heartRate')) columns.push({ header: pick(HEADER_SPELLINGS.heartRate, 3), write: (r) => (r.heartRate === null ? '' : String(r.heartRate)) });
  if (has('bloodPressure') && spec.splitBloodPressure) {
    columns.push({ header: pick(HEADER_SPELLINGS.systolic, 4), write: (r) => (r.bloodPressure ? String(r.bloodPressure[0]) : '') });
    columns.push({ header: pick(HEADER_SPELLINGS.diastolic, 5), write: (r) => (r.bloodPressure ? String(r.bloodPressure[1]) : '') });
  } else if (has('bloodPressure')) {
    columns.push({ header: pick(HEADER_SPELLINGS.bloodPressure, 6), write: (r) => (r.bloodPressure ? r.bloodPressure.join('/') : '') });
  }
  if (has('temperature')) {
    columns.push(
      spec.fahrenheit
        ? { header: pick(HEADER_SPELLINGS.fahrenheit, 7), write: (r) => (r.temperature === null ? '' : number((r.temperature * 9) / 5 + 32, 2)) }
        : { header: pick(HEADER_SPELLINGS.celsius, 8), write: (r) => (r.temperature === null ? '' : number(r.temperature, 1)) },
    );
  }
  if (has('respiratoryRate'))
    columns.push({ header: pick(HEADER_SPELLINGS.respiratoryRate, 9), write: (r) => (r.respiratoryRate === null ? '' : String(r.respiratoryRate)) });
  if (has('spo2')) columns.push({ header: pick(HEADER_SPELLINGS.spo2, 10), write: (r) => (r.spo2 === null ? '' : String(r.spo2)) });
  // A seeded shuffle: column order is free in an export.
  for (let i = columns.length - 1, seed = spec.columnOrderSeed; i > 0; i--, seed = Math.floor(seed / 7) + 13 * i) {
    const j = seed % (i + 1);
    [columns[i], columns[j]] = [columns[j]!, columns[i]!];
  }

  const lineBreak = LINE_BREAKS[spec.lineBreak];
  const breakChar = spec.lineBreak === 'CR' ? '\r' : '\n';
  const options = { delimiter: spec.delimiter, record_delimiter: lineBreak, quoted: spec.quoteEverything, quote_record_delimiter: true };
  let text = stringify([columns.map((column) => column.header)], options);
  const expected: VitalsRow[] = [];
  readings.forEach((original, index) => {
    const r = withSomeMeasure(original, spec.measures);
    const time = writeTime(r.at, r.format, spec.timezone);
    if (spec.blankLineEvery > 0 && index % spec.blankLineEvery === 1) text += lineBreak;
    const line = 1 + countOf(text, breakChar);
    text += stringify([columns.map((column) => column.write(r, time.text))], options);
    expected.push({
      line,
      patientId: r.patientId,
      recordedAt: time.instant,
      heartRate: has('heartRate') ? r.heartRate : null,
      systolic: has('bloodPressure') ? (r.bloodPressure?.[0] ?? null) : null,
      diastolic: has('bloodPressure') ? (r.bloodPressure?.[1] ?? null) : null,
      temperature: has('temperature') ? r.temperature : null,
      respiratoryRate: has('respiratoryRate') ? r.respiratoryRate : null,
      spo2: has('spo2') ? r.spo2 : null,
    });
  });
  return { bytes: new TextEncoder().encode((spec.bom ? '\uFEFF' : '') + text), expected };
}

/** A row needs one measure: when the file's columns leave a reading without any, give it a heart rate or what the file has. */
function withSomeMeasure(r: Reading, measures: readonly string[]): Reading {
  const present = measures.some((measure) => r[measure as 'heartRate'] !== null);
  if (present) return r;
  const first = measures[0]!;
  if (first === 'bloodPressure') return { ...r, bloodPressure: [120, 80] };
  return { ...r, [first]: first === 'temperature' ? 36.6 : first === 'spo2' ? 97 : first === 'respiratoryRate' ? 16 : 72 };
}

function countOf(text: string, char: string): number {
  let count = 0;
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + 1)) count++;
  return count;
}

/** The bytes cut at the given points (sorted, deduplicated): every chunking a network may produce. */
function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const offsets = [...new Set(points.map((point) => point % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const offset of [...offsets, bytes.length]) {
    if (offset > from) chunks.push(bytes.subarray(from, offset));
    from = Math.max(from, offset);
  }
  return chunks;
}

async function parseAll(chunks: Uint8Array[], options: { timezone?: string; batchSize?: number; maxLineLength?: number }) {
  const rows: VitalsRow[] = [];
  const errors: VitalsRowError[] = [];
  let rowsRead = 0;
  for await (const batch of parseVitalsCsv(chunks, { ...options, now: () => NOW })) {
    expect(batch.rowsRead).toBe(batch.rows.length + batch.errors.length);
    if (options.batchSize !== undefined) expect(batch.rowsRead).toBeLessThanOrEqual(options.batchSize);
    rows.push(...batch.rows);
    errors.push(...batch.errors);
    rowsRead += batch.rowsRead;
  }
  return { rows, errors, rowsRead };
}

describe('parseVitalsCsv, property-based', () => {
  it(
    'reads back every table of valid readings csv-stringify writes, in every dialect, however the bytes are cut',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(reading, { minLength: 1, maxLength: 12 }), dialect, fc.array(fc.nat(), { maxLength: 6 }), async (readings, spec, cuts) => {
          const { bytes, expected } = writeFile(readings, spec);
          const parsed = await parseAll(cut(bytes, cuts), { timezone: spec.timezone });
          expect(parsed.errors).toEqual([]);
          expect(parsed.rows).toEqual(expected);
          expect(parsed.rowsRead).toBe(expected.length);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  const token = fc.oneof(
    {
      weight: 12,
      arbitrary: fc.constantFrom(
        ',',
        ';',
        '\t',
        '"',
        '""',
        '\n',
        '\r',
        '\r\n',
        ' ',
        'S-1',
        '72',
        '120/80',
        '36,6',
        '2025-03-01T08:00:00Z',
        '20250301',
        'é',
        '😀',
        'x',
      ),
    },
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
    { weight: 1, arbitrary: fc.constantFrom('\u0000', '\uFEFF', '\uD800') },
    { weight: 1, arbitrary: fc.integer({ min: 50, max: 4_000 }).map((length) => 'x'.repeat(length)) },
    { weight: 1, arbitrary: fc.integer({ min: 50, max: 4_000 }).map((columns) => ',7'.repeat(columns)) },
  );
  const header = fc.constantFrom(
    'patient_id,record_time,heart_rate,blood_pressure,spo2\n',
    'Patient Id;Timestamp;HR;Temp (°F)\r\n',
    'pid\ttime\tRR\r',
    '\n"patient_id","record_time","spo2"\n',
    '',
  );
  const invalidBytes = fc.array(fc.tuple(fc.nat(), fc.constantFrom(0xff, 0xc3, 0x80, 0xed, 0x00)), { maxLength: 2 });
  const anyBytes = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(header, fc.array(token, { maxLength: 60 }), invalidBytes)
        .map(([head, body, bad]) => corrupt(new TextEncoder().encode(head + body.join('')), bad)),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }) },
  );

  it(
    'never crashes or loses count on any bytes: each row read is a row or a named refusal, or the file is refused',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          anyBytes,
          fc.array(fc.nat(), { maxLength: 8 }),
          fc.integer({ min: 1, max: 7 }),
          fc.constantFrom(64, 1_024, 65_536),
          async (bytes, cuts, batchSize, maxLineLength) => {
            const outcome = await parseAll(cut(bytes, cuts), { batchSize, maxLineLength, timezone: 'Europe/Paris' }).catch((error: unknown) => error);
            if (outcome instanceof Error) {
              expect(outcome).toBeInstanceOf(CsvFileError);
              expect(outcome.message.length).toBeGreaterThan(20);
              return;
            }
            const { rows, errors, rowsRead } = outcome as Awaited<ReturnType<typeof parseAll>>;
            expect(rowsRead).toBe(rows.length + errors.length);
            for (const error of errors) {
              expect(VITALS_ROW_ERROR_CODES).toContain(error.code);
              expect(error.message.length).toBeGreaterThan(10);
            }
            const lines = [...rows, ...errors].map((row) => row.line).sort((a, b) => a - b);
            expect(new Set(lines).size).toBe(lines.length);
            expect(lines.every((line) => line >= 2)).toBe(true);
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'never holds back more than the longest record, whatever the text and its chunking',
    () => {
      fc.assert(
        fc.property(
          fc.array(token, { maxLength: 80 }),
          fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }),
          fc.constantFrom(16, 256, 4_096),
          (body, sizes, max) => {
            const text = body.join('');
            const splitter = new CsvRecordSplitter(max);
            const heldBack: number[] = [];
            let refusal: unknown = null;
            try {
              for (let at = 0, index = 0; at < text.length; index++) {
                const size = sizes[index % sizes.length]!;
                splitter.push(text.slice(at, at + size), () => {});
                heldBack.push(splitter.heldBack);
                at += size;
              }
              splitter.end(() => {});
            } catch (error) {
              refusal = error;
            }
            expect(heldBack.reduce((most, held) => Math.max(most, held), 0)).toBeLessThanOrEqual(max);
            if (refusal !== null) {
              expect(refusal).toBeInstanceOf(CsvFileError);
              expect(['LINE_TOO_LONG', 'UNCLOSED_QUOTE']).toContain((refusal as CsvFileError).code);
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );
});

function corrupt(bytes: Uint8Array, insertions: Array<[number, number]>): Uint8Array {
  let result = bytes;
  for (const [position, byte] of insertions) {
    const at = position % (result.length + 1);
    const next = new Uint8Array(result.length + 1);
    next.set(result.subarray(0, at));
    next[at] = byte;
    next.set(result.subarray(at), at + 1);
    result = next;
  }
  return result;
}
