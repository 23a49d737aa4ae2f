import type { CsvFileErrorCode } from './import-error-codes.js';

/** A fault of the file as a whole: the import stops and stores nothing. */
export class CsvFileError extends Error {
  constructor(
    readonly code: CsvFileErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CsvFileError';
  }
}
