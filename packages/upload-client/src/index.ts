export { fetchImportErrors } from './fetch-import-errors.js';
export { fetchImportProgress, type ImportProgressResult } from './fetch-import-progress.js';
export {
  importVitalsFile,
  type ImportOptionsInput,
  type ImportRowErrorResult,
  type ImportVitalsReport,
  type ImportVitalsResult,
} from './import-vitals-file.js';
export { multipartUploadBody } from './multipart-body.js';
export { IMPORT_ERRORS_PAGE, IMPORT_VITALS_MUTATION } from './operations.js';
