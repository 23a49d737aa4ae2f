/**
 * The operations this client sends, checked against schema/api.graphql (the gateway's public
 * schema) by `codegen.ts` at build time, which writes their result and variable types to
 * `__generated__/operations-types.ts`: a field renamed in the schema breaks the build here.
 */

/** Row errors per request: what importVitals answers with, and the page size of the rest. */
export const IMPORT_ERRORS_PAGE = 1000;

export const IMPORT_VITALS_MUTATION = `mutation ImportVitals($studyId: ID!, $file: Upload!, $options: ImportOptionsInput, $importId: ID, $fileSize: Float) {
  importVitals(studyId: $studyId, file: $file, options: $options, importId: $importId, fileSize: $fileSize) {
    id study { id } fileName status onError dryRun rowsRead rowsAccepted rowsRejected rowsDuplicate bytesRead bytesTotal sha256 byteCount
    failureReason startedAt finishedAt durationMs
    errors(first: ${IMPORT_ERRORS_PAGE}) { edges { node { line column value code message } } }
  }
}`;

export const IMPORT_ERRORS_QUERY = `query ImportErrors($id: ID!, $first: Int, $after: String) {
  vitalsImport(id: $id) {
    errors(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { line column value code message } } }
  }
}`;

export const IMPORT_PROGRESS_QUERY = `query ImportProgress($id: ID!) {
  vitalsImport(id: $id) { status bytesRead bytesTotal rowsRead rowsRejected }
}`;
