import type { QuoteFault } from './csv-records.js';
import type { VitalsRowErrorCode } from './import-error-codes.js';
import { checkReadingTime } from './plausible-reading-time.js';
import type { RecordTimeParser } from './record-time.js';
import { checkVitalMeasures, toCelsius, VITAL_RANGES, type VitalMeasure, type VitalMeasures } from './vital-measures.js';
import type { VitalsColumns } from './vitals-columns.js';

/** A row that passed every check the file alone allows; the subject is resolved later. */
export interface VitalsRow extends VitalMeasures {
  line: number;
  /** The subject number as written, trimmed. */
  patientId: string;
  /** Epoch milliseconds, UTC. */
  recordedAt: number;
}

export interface VitalsRowError {
  line: number;
  column: string | null;
  value: string | null;
  code: VitalsRowErrorCode;
  message: string;
}

export type ReadRow = (fields: string[], line: number, fault: QuoteFault | null) => VitalsRow | VitalsRowError | null;

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const DOT = 46;
const COMMA = 44;
/** Plain decimals only: `Number` alone would also take "0x1A", "1e2" and "Infinity". */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

class RowRefused {
  constructor(readonly error: Omit<VitalsRowError, 'line'>) {}
}

/**
 * Turns the fields of one record into a checked row or the first reason it is refused.
 * Returns null for a blank record (only empty fields), which is not a row.
 */
export function createVitalsRowReader(options: {
  columns: VitalsColumns;
  parseTime: RecordTimeParser;
  now: () => number;
  /** With ';' or tab delimiters, spreadsheets write "36,8" for 36.8. */
  decimalComma: boolean;
}): ReadRow {
  const { columns, parseTime, now, decimalComma } = options;
  const name = (index: number) => columns.names[index] ?? `column ${index + 1}`;

  const number = (fields: string[], index: number, measure: VitalMeasure, whole: boolean): number | null => {
    if (index === -1) return null;
    const raw = fields[index];
    if (raw === undefined) return null;
    const value = parseNumber(raw, decimalComma);
    if (value === null) return null;
    if (Number.isNaN(value) || (whole && !Number.isInteger(value))) {
      throw new RowRefused({
        column: name(index),
        value: raw,
        code: 'INVALID_NUMBER',
        message: `${VITAL_RANGES[measure].column} must be a ${whole ? 'whole ' : ''}number, got "${raw}"`,
      });
    }
    return value;
  };

  // bloodPressure's answer, read right after each call: a [systolic, diastolic] pair per row was garbage.
  let systolicRead: number | null = null;
  let diastolicRead: number | null = null;
  const bloodPressure = (fields: string[]): void => {
    if (columns.bloodPressure !== -1) {
      const raw = (fields[columns.bloodPressure] ?? '').trim();
      if (raw.length > 0) {
        const slash = raw.indexOf('/');
        const systolic = slash === -1 ? NaN : parseWholeNumber(raw, 0, slash);
        const diastolic = slash === -1 ? NaN : parseWholeNumber(raw, slash + 1, raw.length);
        if (Number.isNaN(systolic) || Number.isNaN(diastolic)) {
          throw new RowRefused({
            column: name(columns.bloodPressure),
            value: raw,
            code: 'INVALID_NUMBER',
            message: `blood_pressure must read systolic/diastolic in whole mmHg, such as 120/80, got "${raw}"`,
          });
        }
        systolicRead = systolic;
        diastolicRead = diastolic;
        return;
      }
    }
    systolicRead = number(fields, columns.systolic, 'systolic', true);
    diastolicRead = number(fields, columns.diastolic, 'diastolic', true);
  };

  const read = (fields: string[], line: number, fault: QuoteFault | null): VitalsRow | VitalsRowError | null => {
    if (isBlank(fields)) return null;
    if (fault !== null) return refuse(line, name(fault.field), fields[fault.field] ?? null, 'INVALID_QUOTE', fault.message);
    if (fields.length < columns.count) {
      // A truncated export must not pass with its last measures read as absent.
      return refuse(line, null, null, 'MISSING_FIELDS', `the row has ${fields.length} fields but the header names ${columns.count}: is the line cut short?`);
    }
    if (fields.length > columns.count && !extraFieldsAreEmpty(fields, columns.count)) {
      return refuse(line, null, null, 'COLUMN_COUNT', `the row has ${fields.length} fields but the header names ${columns.count}`);
    }
    const patientId = (fields[columns.patientId] ?? '').trim();
    if (patientId.length === 0) {
      return refuse(line, name(columns.patientId), '', 'MISSING_VALUE', 'patient_id is empty: every row names its subject');
    }
    const rawTime = fields[columns.recordTime] ?? '';
    if (rawTime.trim().length === 0) {
      return refuse(line, name(columns.recordTime), rawTime, 'MISSING_VALUE', 'record_time is empty: every row says when it was measured');
    }
    const recordedAt = parseTime(rawTime);
    if (Number.isNaN(recordedAt)) {
      return refuse(
        line,
        name(columns.recordTime),
        rawTime,
        'INVALID_TIME',
        `record_time "${rawTime}" is not a time: use ISO 8601 (2025-03-01T08:15:00Z), "2025-03-01 08:15[:00]", 20250301[0815[00]], or epoch seconds (10 digits) or milliseconds (13 digits)`,
      );
    }
    const timeFault = checkReadingTime(recordedAt, now(), 'record_time');
    if (timeFault) return refuse(line, name(columns.recordTime), rawTime, timeFault.code, timeFault.message);
    try {
      bloodPressure(fields);
      const systolic = systolicRead;
      const diastolic = diastolicRead;
      const temperature = number(fields, columns.temperature, 'temperature', false);
      const row: VitalsRow = {
        line,
        patientId,
        recordedAt,
        heartRate: number(fields, columns.heartRate, 'heartRate', true),
        systolic,
        diastolic,
        temperature: temperature === null ? null : toCelsius(temperature, columns.temperatureIsFahrenheit),
        respiratoryRate: number(fields, columns.respiratoryRate, 'respiratoryRate', true),
        spo2: number(fields, columns.spo2, 'spo2', true),
      };
      const fault = checkVitalMeasures(row);
      if (fault) {
        const index = fault.measure === null ? -1 : columnOf(columns, fault.measure);
        return refuse(line, index === -1 ? null : name(index), index === -1 ? null : (fields[index] ?? null), fault.code, fault.message);
      }
      return row;
    } catch (error) {
      if (error instanceof RowRefused) return { line, ...error.error };
      throw error;
    }
  };
  return read;
}

function refuse(line: number, column: string | null, value: string | null, code: VitalsRowErrorCode, message: string): VitalsRowError {
  return { line, column, value, code, message };
}

function columnOf(columns: VitalsColumns, measure: VitalMeasure): number {
  if ((measure === 'systolic' || measure === 'diastolic') && columns.bloodPressure !== -1 && columns[measure] === -1) {
    return columns.bloodPressure;
  }
  return columns[measure];
}

function isBlank(fields: string[]): boolean {
  // Nearly every row starts with a patient id: decide without trimming (allocating) anything.
  const first = fields[0];
  if (first !== undefined && first.length > 0 && first.charCodeAt(0) > 32) return false;
  for (const field of fields) if (field.trim().length > 0) return false;
  return true;
}

function extraFieldsAreEmpty(fields: string[], from: number): boolean {
  for (let i = from; i < fields.length; i++) {
    const field = fields[i];
    if (field !== undefined && field.trim().length > 0) return false;
  }
  return true;
}

/** null for an empty cell, NaN for one that is not a number. Digits-only cells skip `Number`. */
function parseNumber(raw: string, decimalComma: boolean): number | null {
  const length = raw.length;
  if (length > 0 && length < 10) {
    // Fast path for what devices write: digits, optionally a separator and more digits.
    let whole = 0;
    let i = 0;
    for (; i < length; i++) {
      const c = raw.charCodeAt(i);
      if (c < DIGIT_0 || c > DIGIT_9) break;
      whole = whole * 10 + (c - DIGIT_0);
    }
    if (i === length) return whole;
    const separator = raw.charCodeAt(i);
    if (i > 0 && i < length - 1 && (separator === DOT || (decimalComma && separator === COMMA))) {
      let fraction = 0;
      let scale = 1;
      let j = i + 1;
      for (; j < length; j++) {
        const c = raw.charCodeAt(j);
        if (c < DIGIT_0 || c > DIGIT_9) break;
        fraction = fraction * 10 + (c - DIGIT_0);
        scale *= 10;
      }
      if (j === length) return whole + fraction / scale;
    }
  }
  const text = raw.trim();
  if (text.length === 0) return null;
  const normalized = decimalComma ? text.replace(',', '.') : text;
  return DECIMAL.test(normalized) ? Number(normalized) : NaN;
}

/** A whole number written in raw[start, end), spaces around it allowed; NaN otherwise. */
function parseWholeNumber(raw: string, start: number, end: number): number {
  while (start < end && raw.charCodeAt(start) === 32) start++;
  while (end > start && raw.charCodeAt(end - 1) === 32) end--;
  if (start === end) return NaN;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = raw.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return NaN;
    value = value * 10 + (c - DIGIT_0);
  }
  return value;
}
