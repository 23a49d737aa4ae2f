/** A fault of the whole file (too large, unreadable upload): the import ends FAILED and stores nothing. */
export class ImportFileError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}
