export { IMPORT_VITALS_MUTATION, importVitalsFile, type ImportOptionsInput, type ImportVitalsResult } from './import-vitals-file.js';
export { multipartUploadBody } from './multipart-body.js';
