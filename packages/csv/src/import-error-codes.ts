/**
 * Every reason an import refuses a row or a whole file, in one table: clients switch on these
 * codes, the SDL enums `ImportRowErrorCode` and `ImportFailureCode` must list exactly these (a
 * test in the vitals app checks it), and packages/csv/README.md shows an example of each.
 * `level`: a `row` code refuses one row and parsing goes on; a `file` code ends the import
 * FAILED with nothing stored (it begins `failureReason`). `raisedBy`: the parser here, or the
 * vitals import around it. A code no longer given keeps its entry with `replacedBy`, so the
 * reports stored before still read (the SDL marks it deprecated).
 */
export const IMPORT_ERROR_CODES = {
  MISSING_VALUE: { level: 'row', raisedBy: 'parser', description: 'patient_id or record_time is empty, or the row has no measure at all.' },
  MISSING_FIELDS: { level: 'row', raisedBy: 'parser', description: 'The row has fewer fields than the header names: a line cut short.' },
  COLUMN_COUNT: { level: 'row', raisedBy: 'parser', description: 'The row has more non-empty fields than the header names.' },
  INVALID_QUOTE: { level: 'row', raisedBy: 'parser', description: 'Text follows the closing quote of a quoted field before the next delimiter.' },
  INVALID_NUMBER: {
    level: 'row',
    raisedBy: 'parser',
    description: 'A measure is not a plain decimal, a whole number has a fraction, or a blood pressure is not written 120/80.',
  },
  OUT_OF_RANGE: { level: 'row', raisedBy: 'parser', description: 'A measure lies outside its plausible physiological range.' },
  INVALID_BLOOD_PRESSURE: { level: 'row', raisedBy: 'parser', description: 'Diastolic is not below systolic, or only one of the two is given.' },
  INVALID_TIME: { level: 'row', raisedBy: 'parser', description: 'record_time is not a time in an accepted form, or is an impossible date.' },
  IMPLAUSIBLE_TIME: {
    level: 'row',
    raisedBy: 'parser',
    description: 'record_time is before 1900 or later than now plus 5 minutes allowed for clock drift.',
  },
  FUTURE_TIME: {
    level: 'row',
    raisedBy: 'parser',
    description: 'Retired: a time more than 5 minutes ahead, in reports made before IMPLAUSIBLE_TIME replaced it.',
    replacedBy: 'IMPLAUSIBLE_TIME',
  },
  UNKNOWN_SUBJECT: { level: 'row', raisedBy: 'import', description: 'No such subject in the study, or not at a site the caller may import for.' },
  CONFLICT: { level: 'row', raisedBy: 'import', description: 'A different reading of the subject is already stored at that instant; it is not overwritten.' },
  MISSING_COLUMN: {
    level: 'file',
    raisedBy: 'parser',
    description: 'The header lacks patient_id, record_time or every measure column.',
  },
  EMPTY_FILE: { level: 'file', raisedBy: 'parser', description: 'The file has no header, or a header and no rows.' },
  NOT_TEXT: { level: 'file', raisedBy: 'parser', description: 'The file is not UTF-8 text: NUL bytes or invalid UTF-8 (a spreadsheet, UTF-16).' },
  LINE_TOO_LONG: { level: 'file', raisedBy: 'parser', description: 'A record is longer than the longest accepted (64 KiB by default).' },
  UNCLOSED_QUOTE: {
    level: 'file',
    raisedBy: 'parser',
    description: 'A quote opens a field and is not closed by the end of the file or within the longest record.',
  },
  FILE_TOO_LARGE: { level: 'file', raisedBy: 'import', description: 'The upload is larger than MAX_UPLOAD_BYTES.' },
  UPLOAD_INCOMPLETE: { level: 'file', raisedBy: 'import', description: 'The upload ended before the whole file arrived (the client went away).' },
  UPLOAD_STALLED: { level: 'file', raisedBy: 'import', description: 'The upload sent no bytes for longer than its idle timeout.' },
  FILE_SIZE_MISMATCH: {
    level: 'file',
    raisedBy: 'import',
    description: 'The upload carried more or fewer bytes than the fileSize the client declared: the file was cut off or changed on its way.',
  },
} as const satisfies Record<string, ImportErrorCodeEntry>;

export interface ImportErrorCodeEntry {
  level: 'row' | 'file';
  raisedBy: 'parser' | 'import';
  /** One sentence, as the SDL describes the enum value. */
  description: string;
  /** The code given instead since this one was retired. */
  replacedBy?: string;
}

type Table = typeof IMPORT_ERROR_CODES;
export type ImportErrorCode = keyof Table;
type CodesWhere<Entry> = { [Code in ImportErrorCode]: Table[Code] extends Entry ? Code : never }[ImportErrorCode];

/** What `ImportRowError.code` may be. */
export type ImportRowErrorCode = CodesWhere<{ level: 'row' }>;
/** What may begin the `failureReason` of a FAILED import. */
export type ImportFailureCode = CodesWhere<{ level: 'file' }>;
/** The row codes the parser itself gives. */
export type VitalsRowErrorCode = CodesWhere<{ level: 'row'; raisedBy: 'parser'; replacedBy?: never }>;
/** The file codes the parser itself gives. */
export type CsvFileErrorCode = CodesWhere<{ level: 'file'; raisedBy: 'parser'; replacedBy?: never }>;

function codesWhere(matches: (entry: ImportErrorCodeEntry) => boolean): readonly ImportErrorCode[] {
  return Object.freeze((Object.keys(IMPORT_ERROR_CODES) as ImportErrorCode[]).filter((code) => matches(IMPORT_ERROR_CODES[code])));
}

// Each filter matches its type's condition, which TypeScript cannot see through a predicate on entries.
export const IMPORT_ROW_ERROR_CODES = codesWhere((entry) => entry.level === 'row') as readonly ImportRowErrorCode[];
export const IMPORT_FAILURE_CODES = codesWhere((entry) => entry.level === 'file') as readonly ImportFailureCode[];
const givenByParser = (entry: ImportErrorCodeEntry) => entry.raisedBy === 'parser' && entry.replacedBy === undefined;
export const VITALS_ROW_ERROR_CODES = codesWhere((entry) => entry.level === 'row' && givenByParser(entry)) as readonly VitalsRowErrorCode[];
export const CSV_FILE_ERROR_CODES = codesWhere((entry) => entry.level === 'file' && givenByParser(entry)) as readonly CsvFileErrorCode[];
