/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** How an import treats the file. */
export type ImportOptionsInput = {
  /** Check and report everything, store nothing. */
  dryRun?: boolean | null | undefined;
  /** How many row errors to keep for the report (0 to 100000); the counts are always complete. */
  maxErrors?: number | null | undefined;
  /** What to do with a bad row: store the others (SKIP) or nothing (ABORT). */
  onError?: OnError | null | undefined;
  /** IANA time zone for record_time values without an offset, e.g. Europe/Paris. */
  timezone?: string | null | undefined;
};

/** Why a row of an import was not stored; the other rows go on. Clients may switch on these. */
export type ImportRowErrorCode =
  /** The row has more non-empty fields than the header names. */
  | 'COLUMN_COUNT'
  /** A different reading of the subject is already stored at that instant; it is not overwritten. */
  | 'CONFLICT'
  /** Retired: a time more than 5 minutes ahead, in reports made before IMPLAUSIBLE_TIME replaced it. */
  | 'FUTURE_TIME'
  /** record_time is before 1900 or later than now plus 5 minutes allowed for clock drift. */
  | 'IMPLAUSIBLE_TIME'
  /** Diastolic is not below systolic, or only one of the two is given. */
  | 'INVALID_BLOOD_PRESSURE'
  /** A measure is not a plain decimal, a whole number has a fraction, or a blood pressure is not written 120/80. */
  | 'INVALID_NUMBER'
  /** Text follows the closing quote of a quoted field before the next delimiter. */
  | 'INVALID_QUOTE'
  /** record_time is not a time in an accepted form, or is an impossible date. */
  | 'INVALID_TIME'
  /** The row has fewer fields than the header names: a line cut short. */
  | 'MISSING_FIELDS'
  /** patient_id or record_time is empty, or the row has no measure at all. */
  | 'MISSING_VALUE'
  /** A measure lies outside its plausible physiological range. */
  | 'OUT_OF_RANGE'
  /** No such subject in the study, or not at a site the caller may import for. */
  | 'UNKNOWN_SUBJECT';

/** An import stores all of its accepted rows in one transaction, or none of them. */
export type ImportStatus =
  /** onError ABORT met a bad row: nothing stored. */
  | 'ABORTED'
  /** A fault of the whole file (missing column, not text, too large, cut off): nothing stored; see failureReason. */
  | 'FAILED'
  /** The service stopped mid-import: nothing of it was stored. Upload the file again to complete it. */
  | 'INTERRUPTED'
  /** Being read and stored now. */
  | 'RUNNING'
  /** Every accepted row is stored (none for a dry run). */
  | 'SUCCEEDED';

/** What to do with a bad row. */
export type OnError =
  /** End the import at the first bad row and store no row of the file. */
  | 'ABORT'
  /** Store the good rows and report the bad ones. */
  | 'SKIP';

export type ImportVitalsMutationVariables = Exact<{
  studyId: string | number;
  file: null;
  options?: ImportOptionsInput | null | undefined;
  importId?: string | number | null | undefined;
  fileSize?: number | null | undefined;
}>;


export type ImportVitalsMutation = { importVitals: { id: string, fileName: string, status: ImportStatus, onError: OnError, dryRun: boolean, rowsRead: number, rowsAccepted: number, rowsRejected: number, rowsDuplicate: number, bytesRead: number, bytesTotal: number | null, sha256: string | null, byteCount: number | null, failureReason: string | null, startedAt: string, finishedAt: string | null, durationMs: number | null, study: { id: string }, errors: { edges: Array<{ node: { line: number, column: string | null, value: string | null, code: ImportRowErrorCode, message: string } }> } } };

export type ImportErrorsQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ImportErrorsQuery = { vitalsImport: { errors: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { line: number, column: string | null, value: string | null, code: ImportRowErrorCode, message: string } }> } } | null };

export type ImportProgressQueryVariables = Exact<{
  id: string | number;
}>;


export type ImportProgressQuery = { vitalsImport: { status: ImportStatus, bytesRead: number, bytesTotal: number | null, rowsRead: number, rowsRejected: number } | null };
