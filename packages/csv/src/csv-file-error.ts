/** Faults of the file as a whole: the import stops and stores nothing. */
export const CSV_FILE_ERROR_CODES = ['MISSING_COLUMN', 'EMPTY_FILE', 'NOT_TEXT', 'LINE_TOO_LONG'] as const;

export type CsvFileErrorCode = (typeof CSV_FILE_ERROR_CODES)[number];

export class CsvFileError extends Error {
  constructor(
    readonly code: CsvFileErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CsvFileError';
  }
}
