export { fetchImportErrors, IMPORT_ERRORS_PAGE } from './fetch-import-errors.js';
export { fetchImportProgress, type ImportProgressResult } from './fetch-import-progress.js';
export {
  IMPORT_VITALS_MUTATION,
  importVitalsFile,
  type ImportOptionsInput,
  type ImportRowErrorResult,
  type ImportVitalsReport,
  type ImportVitalsResult,
} from './import-vitals-file.js';
export { multipartUploadBody } from './multipart-body.js';
