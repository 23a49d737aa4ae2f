/**
 * A fault that ends the whole import FAILED and stores nothing: of the file (too large), of its
 * upload (incomplete, stalled) or of a dependency it cannot do without (the subjects service).
 * `code` leads the import's `failureReason`.
 */
export class ImportFileError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}
