export { CsvFileError } from './csv-file-error.js';
export {
  CSV_FILE_ERROR_CODES,
  IMPORT_ERROR_CODES,
  IMPORT_FAILURE_CODES,
  IMPORT_ROW_ERROR_CODES,
  VITALS_ROW_ERROR_CODES,
  type CsvFileErrorCode,
  type ImportErrorCode,
  type ImportErrorCodeEntry,
  type ImportFailureCode,
  type ImportRowErrorCode,
  type VitalsRowErrorCode,
} from './import-error-codes.js';
export { DEFAULT_MAX_LINE_LENGTH, parseVitalsCsv, type ParseVitalsOptions, type VitalsBatch } from './parse-vitals-csv.js';
export { CLOCK_DRIFT_ALLOWANCE_MS, checkReadingTime, EARLIEST_READING_TIME_MS, type ReadingTimeFault } from './plausible-reading-time.js';
export { createRecordTimeParser, type RecordTimeParser } from './record-time.js';
export {
  checkVitalMeasures,
  fahrenheitToCelsius,
  toCelsius,
  VITAL_MEASURES,
  VITAL_RANGES,
  type MeasureFault,
  type VitalMeasure,
  type VitalMeasures,
} from './vital-measures.js';
export { type VitalsRow, type VitalsRowError } from './vitals-row-reader.js';
