export { CSV_FILE_ERROR_CODES, CsvFileError, type CsvFileErrorCode } from './csv-file-error.js';
export { DEFAULT_MAX_LINE_LENGTH, parseVitalsCsv, type ParseVitalsOptions, type VitalsBatch } from './parse-vitals-csv.js';
export { createRecordTimeParser, type RecordTimeParser } from './record-time.js';
export {
  checkVitalMeasures,
  fahrenheitToCelsius,
  isInFuture,
  toCelsius,
  VITAL_MEASURES,
  VITAL_RANGES,
  type MeasureFault,
  type VitalMeasure,
  type VitalMeasures,
} from './vital-measures.js';
export { VITALS_ROW_ERROR_CODES, type VitalsRow, type VitalsRowError, type VitalsRowErrorCode } from './vitals-row-reader.js';
