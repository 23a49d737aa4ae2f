import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { VitalSignRow, VitalsImportRow, AuditEventRow, VitalsImportErrorRow } from '../db/schema.js';
import type { SubjectReference } from '../vitals/subject-reference.js';
import type { VitalsContext } from '../context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An instant in time, ISO 8601; always returned in UTC, e.g. 2026-03-01T08:30:00.000Z */
  DateTime: { input: Date | string; output: Date | string; }
  /** A file sent as a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec). */
  Upload: { input: Promise<import('graphql-upload-minimal').FileUpload>; output: Promise<import('graphql-upload-minimal').FileUpload>; }
  _FieldSet: { input: unknown; output: unknown; }
};

/** One recorded change: append-only, the database refuses to alter or remove it. */
export type AuditEvent = {
  __typename?: 'AuditEvent';
  /** What happened: CREATE, UPDATE, WITHDRAW for subjects; IMPORT_STARTED, IMPORT_FINISHED for imports; CREATE for readings and studies; EXPORT_STARTED, EXPORT_FINISHED for an export of a study's readings (entityType Study, the export's format, subjectId, window and readings in newValue). */
  action: Scalars['String']['output'];
  /** The user (token subject) who made the change. */
  actor: Scalars['String']['output'];
  /** When the change was made. */
  at: Scalars['DateTime']['output'];
  /** The id of the record changed. */
  entityId: Scalars['ID']['output'];
  /** The kind of record changed: Study, Subject, VitalSign or VitalsImport. */
  entityType: Scalars['String']['output'];
  /** The field changed; null for an event about the whole entity. */
  field?: Maybe<Scalars['String']['output']>;
  /** The value after the change; for a created record or an import, its values as JSON. */
  newValue?: Maybe<Scalars['String']['output']>;
  /** The field's value before the change; null for a new record or a whole-entity event. */
  oldValue?: Maybe<Scalars['String']['output']>;
  /** Why the change was made, as the user gave it; null when none was asked for. */
  reason?: Maybe<Scalars['String']['output']>;
};

/** A page of audit events (Relay cursor connection). */
export type AuditEventConnection = {
  __typename?: 'AuditEventConnection';
  /** The events of this page, oldest first. */
  edges: Array<AuditEventEdge>;
  /** Where this page lies in the list. */
  pageInfo: PageInfo;
  /** How many events the entity has, across all pages. */
  totalCount: Scalars['Int']['output'];
};

/** One audit event of a page, with its place in the list. */
export type AuditEventEdge = {
  __typename?: 'AuditEventEdge';
  /** Opaque: pass it as after to get the events that follow this one. */
  cursor: Scalars['String']['output'];
  /** The event. */
  node: AuditEvent;
};

/** Why a whole import FAILED with nothing stored: VitalsImport.failureCode, and the code its failureReason begins with. */
export type ImportFailureCode =
  /** The file has no header, or a header and no rows. */
  | 'EMPTY_FILE'
  /** The upload carried more or fewer bytes than the fileSize the client declared: the file was cut off or changed on its way. */
  | 'FILE_SIZE_MISMATCH'
  /** The upload is larger than MAX_UPLOAD_BYTES. */
  | 'FILE_TOO_LARGE'
  /** A record is longer than the longest accepted (64 KiB by default). */
  | 'LINE_TOO_LONG'
  /** The header lacks patient_id, record_time or every measure column. */
  | 'MISSING_COLUMN'
  /** The file is not UTF-8 text: NUL bytes or invalid UTF-8 (a spreadsheet, UTF-16). */
  | 'NOT_TEXT'
  /** A quote opens a field and is not closed by the end of the file or within the longest record. */
  | 'UNCLOSED_QUOTE'
  /** The upload ended before the whole file arrived (the client went away). */
  | 'UPLOAD_INCOMPLETE'
  /** The upload sent no bytes for longer than its idle timeout. */
  | 'UPLOAD_STALLED';

/** How an import treats the file. */
export type ImportOptionsInput = {
  /** Check and report everything, store nothing. */
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  /** How many row errors to keep for the report (0 to 100000); the counts are always complete. */
  maxErrors?: InputMaybe<Scalars['Int']['input']>;
  /** What to do with a bad row: store the others (SKIP) or nothing (ABORT). */
  onError?: InputMaybe<OnError>;
  /** IANA time zone for record_time values without an offset, e.g. Europe/Paris. */
  timezone?: InputMaybe<Scalars['String']['input']>;
};

/** A row that was not stored, and why. */
export type ImportRowError = {
  __typename?: 'ImportRowError';
  /** Why the row was refused; clients may switch on it. */
  code: ImportRowErrorCode;
  /** The column (header name) at fault; null when the fault is the whole row. */
  column?: Maybe<Scalars['String']['output']>;
  /** 1-based line of the file where the row starts (the header is line 1). */
  line: Scalars['Int']['output'];
  /** What is wrong with the row and how to fix it. */
  message: Scalars['String']['output'];
  /** The value refused, cut to 200 characters; null when the fault is the whole row or the value is empty. */
  value?: Maybe<Scalars['String']['output']>;
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

/** A page of an import's kept row errors (Relay cursor connection). */
export type ImportRowErrorConnection = {
  __typename?: 'ImportRowErrorConnection';
  /** The errors of this page, in line order. */
  edges: Array<ImportRowErrorEdge>;
  /** Where this page lies in the list. */
  pageInfo: PageInfo;
  /** How many row errors the import kept, across all pages (at most its maxErrors; rowsRejected counts every refused row). */
  totalCount: Scalars['Int']['output'];
};

/** One row error of a page, with its place in the list. */
export type ImportRowErrorEdge = {
  __typename?: 'ImportRowErrorEdge';
  /** Opaque: pass it as after to get the errors that follow this one. */
  cursor: Scalars['String']['output'];
  /** The row error. */
  node: ImportRowError;
};

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

/** One measure over a window, in the measure's unit. min, max and mean are null when no reading in the window has it. */
export type MeasureSummary = {
  __typename?: 'MeasureSummary';
  /** Readings in the window that have this measure. */
  count: Scalars['Int']['output'];
  /** Largest value. */
  max?: Maybe<Scalars['Float']['output']>;
  /** Arithmetic mean of the values, not rounded. */
  mean?: Maybe<Scalars['Float']['output']>;
  /** Smallest value. */
  min?: Maybe<Scalars['Float']['output']>;
};

/** What clients may change. */
export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Imports a CSV file of vital signs for the study's subjects (columns patient_id, record_time and at
   * least one of heart_rate, blood_pressure or systolic+diastolic, temperature, respiratory_rate, spo2).
   * Send it as a multipart request with the header Apollo-Require-Preflight: true. To follow its
   * progress, choose its importId and poll vitalsImport(id) while the request runs.
   */
  importVitals: VitalsImport;
  /** Stores one reading; CONFLICT when the subject already has a different reading at recordedAt. */
  recordVitalSign: VitalSign;
};


/** What clients may change. */
export type MutationImportVitalsArgs = {
  file: Scalars['Upload']['input'];
  fileSize?: InputMaybe<Scalars['Float']['input']>;
  importId?: InputMaybe<Scalars['ID']['input']>;
  options?: InputMaybe<ImportOptionsInput>;
  studyId: Scalars['ID']['input'];
};


/** What clients may change. */
export type MutationRecordVitalSignArgs = {
  input: RecordVitalSignInput;
};

/**
 * An object that node(id:) refetches by its global id (Relay's Global Object Identification, with
 * the id in nodeId: set nodeInterfaceIdField to nodeId in a Relay compiler's schemaConfig).
 */
export type Node = {
  /** Global id: opaque, unique across every type; pass it to node(id:). The object's own id stays in id. */
  nodeId: Scalars['ID']['output'];
};

/** What to do with a bad row. */
export type OnError =
  /** End the import at the first bad row and store no row of the file. */
  | 'ABORT'
  /** Store the good rows and report the bad ones. */
  | 'SKIP';

/** Where a page lies in its list (Relay cursor connections). */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** The cursor of the page's last item; null when the page is empty. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** Whether more items follow this page: ask again with after set to endCursor. */
  hasNextPage: Scalars['Boolean']['output'];
  /** Whether items come before this page (true when it was asked with after). */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** The cursor of the page's first item; null when the page is empty. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** What clients may read. */
export type Query = {
  __typename?: 'Query';
  /**
   * Who exported the study's vital signs, and what: each export's EXPORT_STARTED (the format, subjectId,
   * from, to and readings announced) and EXPORT_FINISHED (readings written, complete or not, reason)
   * events, oldest first, entityType Study. ADMIN and MONITOR only. first: at most 500.
   */
  exportAuditTrail: AuditEventConnection;
  /**
   * A download link for the study's vital signs (or one subject's), recordedAt between from and to
   * (inclusive), in the given format. Refused when the export would hold more than MAX_EXPORT_READINGS
   * readings. Valid for EXPORT_LINK_TTL_MS (5 minutes by default).
   */
  vitalsExport: VitalsExport;
  /** One import report; null when it does not exist or you may not read it. */
  vitalsImport?: Maybe<VitalsImport>;
  /** A study's import reports you may read, newest first. first: at most 100. */
  vitalsImports: VitalsImportConnection;
};


/** What clients may read. */
export type QueryExportAuditTrailArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  studyId: Scalars['ID']['input'];
};


/** What clients may read. */
export type QueryVitalsExportArgs = {
  format: VitalsExportFormat;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  studyId: Scalars['ID']['input'];
  subjectId?: InputMaybe<Scalars['ID']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};


/** What clients may read. */
export type QueryVitalsImportArgs = {
  id: Scalars['ID']['input'];
};


/** What clients may read. */
export type QueryVitalsImportsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  studyId: Scalars['ID']['input'];
};

/** One reading to store; at least one measure, each within its range (as on VitalSign). */
export type RecordVitalSignInput = {
  /** mmHg, 20 to 200, below systolic; give systolic with it. */
  diastolic?: InputMaybe<Scalars['Int']['input']>;
  /** Beats per minute, 20 to 300. */
  heartRate?: InputMaybe<Scalars['Int']['input']>;
  /** When the measurements were taken; not more than 5 minutes ahead of the server's clock. */
  recordedAt: Scalars['DateTime']['input'];
  /** Breaths per minute, 4 to 80. */
  respiratoryRate?: InputMaybe<Scalars['Int']['input']>;
  /** Oxygen saturation in percent, 50 to 100. */
  spo2?: InputMaybe<Scalars['Int']['input']>;
  /** The subject measured. */
  subjectId: Scalars['ID']['input'];
  /** mmHg, 50 to 300; give diastolic with it. */
  systolic?: InputMaybe<Scalars['Int']['input']>;
  /** Degrees Celsius, 30 to 45. */
  temperature?: InputMaybe<Scalars['Float']['input']>;
};

export type Study = {
  __typename?: 'Study';
  id: Scalars['ID']['output'];
};

/** A person taking part in a study. */
export type Subject = {
  __typename?: 'Subject';
  /** The subject's id (a UUID). */
  id: Scalars['ID']['output'];
  /** The subject's most recent reading by recordedAt; null when there is none. */
  latestVitalSign?: Maybe<VitalSign>;
  /**
   * Newest first. from/to bound recordedAt (inclusive). first: at most 500. Each page reads only its
   * own readings (an index scan stopped after first + 1), whatever the subject's history.
   */
  vitals: VitalSignConnection;
  /**
   * Count, minimum, maximum and mean of each measure over the readings with recordedAt between from
   * and to (both inclusive), computed by the database, for dashboards. Its cost grows with the readings
   * inside the window, not with the subject's whole history. from must not be after to.
   */
  vitalsSummary: VitalsSummary;
};


/** A person taking part in a study. */
export type SubjectVitalsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};


/** A person taking part in a study. */
export type SubjectVitalsSummaryArgs = {
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
};

/** One set of measurements of a subject at one instant. Unique per subject and recordedAt. */
export type VitalSign = Node & {
  __typename?: 'VitalSign';
  /** Systolic/diastolic, e.g. 120/80; null unless both are known. */
  bloodPressure?: Maybe<Scalars['String']['output']>;
  /** Diastolic blood pressure, mmHg, 20 to 200, below systolic; null when not measured. */
  diastolic?: Maybe<Scalars['Int']['output']>;
  /** Beats per minute, 20 to 300; null when not measured. */
  heartRate?: Maybe<Scalars['Int']['output']>;
  /** The reading's id. */
  id: Scalars['ID']['output'];
  /** The import that stored it; null when recorded one by one, or when you may not read that import's report. */
  import?: Maybe<VitalsImport>;
  /**
   * The id of the import that stored it; null when recorded one by one.
   * @deprecated Use import { id }: the report itself, when you may read it.
   */
  importId?: Maybe<Scalars['ID']['output']>;
  /** Global id, for node(id:) and Relay; opaque. */
  nodeId: Scalars['ID']['output'];
  /** When the measurements were taken (not when they were stored). */
  recordedAt: Scalars['DateTime']['output'];
  /** Breaths per minute, 4 to 80; null when not measured. */
  respiratoryRate?: Maybe<Scalars['Int']['output']>;
  /** The line of the imported file it came from (the header is line 1); null when recorded one by one. */
  sourceLine?: Maybe<Scalars['Int']['output']>;
  /** Oxygen saturation in percent, 50 to 100; null when not measured. */
  spo2?: Maybe<Scalars['Int']['output']>;
  /** The subject measured. */
  subject: Subject;
  /** Systolic blood pressure, mmHg, 50 to 300; null when not measured. */
  systolic?: Maybe<Scalars['Int']['output']>;
  /** Degrees Celsius, 30 to 45 (imports convert °F); null when not measured. */
  temperature?: Maybe<Scalars['Float']['output']>;
};

/** A page of a subject's readings (Relay cursor connection). */
export type VitalSignConnection = {
  __typename?: 'VitalSignConnection';
  /** The readings of this page, newest first. */
  edges: Array<VitalSignEdge>;
  /** Where this page lies in the list. */
  pageInfo: PageInfo;
  /**
   * Exact number of the subject's readings in the window (after is ignored); never an estimate, since
   * a count that drifts from a site's own records reads as lost data. Without from and to it is read
   * from a count the database keeps on every write, so it costs the same for 10 readings or millions.
   * With from or to it is counted over the readings inside the window on the (subject, recordedAt)
   * index: its cost grows with the readings in the window (with only to: all readings up to to), not
   * with the rest of the history.
   */
  totalCount: Scalars['Int']['output'];
};

/** One reading of a page, with its place in the list. */
export type VitalSignEdge = {
  __typename?: 'VitalSignEdge';
  /** Opaque: pass it as after to get the readings that follow this one. */
  cursor: Scalars['String']['output'];
  /** The reading. */
  node: VitalSign;
};

/** A short-lived link to download an export, for browsers and other clients that cannot send a bearer token with a download. */
export type VitalsExport = {
  __typename?: 'VitalsExport';
  /** When the link stops working (EXPORT_LINK_TTL_MS after it was made); ask for a new one after that. */
  expiresAt: Scalars['DateTime']['output'];
  /** The format the link downloads. */
  format: VitalsExportFormat;
  /** Readings the export holds now (more may be stored before it is downloaded). */
  readings: Scalars['Int']['output'];
  /** Path and query on the gateway (e.g. /api/v1/studies/{id}/vitals.csv?link=…): GET it without a token before expiresAt; it downloads as the caller who asked, with their scope, and is audited. */
  url: Scalars['String']['output'];
};

/** The standards vital signs are exported in. */
export type VitalsExportFormat =
  /** CSV in the import's own columns (patient_id, record_time, heart_rate, systolic, diastolic, temperature, respiratory_rate, spo2): an export imports again as all duplicates. */
  | 'CSV'
  /** HL7 FHIR R4 Observations of the vital-signs profile (LOINC codes, UCUM units), one JSON resource a line (NDJSON). */
  | 'FHIR'
  /** The CDISC SDTM VS domain as CSV, one row per measure; VSSEQ is unique within each subject. */
  | 'SDTM';

/**
 * The report of one CSV import: its options, counts and row errors. Visible to ADMIN, to MONITOR
 * within their studies, and to others for the imports they sent themselves.
 */
export type VitalsImport = Node & {
  __typename?: 'VitalsImport';
  /** Who started this import and how it ended, oldest first. ADMIN and MONITOR only (null with a FORBIDDEN error for others). */
  auditTrail?: Maybe<Array<AuditEvent>>;
  /** Size of the file in bytes; null until the whole file has arrived. */
  byteCount?: Maybe<Scalars['Float']['output']>;
  /** Bytes of the file received so far (a Float: files may exceed 2^31 bytes); while RUNNING, updated at least every second. */
  bytesRead: Scalars['Float']['output'];
  /** The file's size as the client declared it (importVitals fileSize), so progress can be shown as a fraction; null when it did not. */
  bytesTotal?: Maybe<Scalars['Float']['output']>;
  /** Whether it only checked the file, storing nothing. */
  dryRun: Scalars['Boolean']['output'];
  /** Milliseconds from startedAt to finishedAt; null while RUNNING. */
  durationMs?: Maybe<Scalars['Int']['output']>;
  /** Row errors in line order; at most maxErrors are kept (rowsRejected counts them all). first: at most 1000. */
  errors: ImportRowErrorConnection;
  /** The fault of the whole file that made the import FAILED, for clients to act on without reading failureReason; null unless FAILED for one of these (a dependency outage or an internal error has none). */
  failureCode?: Maybe<ImportFailureCode>;
  /** Why the import FAILED (beginning with an ImportFailureCode, e.g. "UNCLOSED_QUOTE: …") or was ABORTED. */
  failureReason?: Maybe<Scalars['String']['output']>;
  /** The name of the uploaded file, as the client sent it (upload.csv when it sent none). */
  fileName: Scalars['String']['output'];
  /** When the import ended; null while RUNNING. */
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The import's id (a UUID). */
  id: Scalars['ID']['output'];
  /** Global id, for node(id:) and Relay; opaque. */
  nodeId: Scalars['ID']['output'];
  /** What the import does with a bad row. */
  onError: OnError;
  /** Rows stored (for a dry run: rows that would be stored). */
  rowsAccepted: Scalars['Int']['output'];
  /** Rows identical to one already stored (for example, the same file sent twice). */
  rowsDuplicate: Scalars['Int']['output'];
  /**
   * rowsRead = rowsAccepted + rowsRejected + rowsDuplicate once the import has ended. While it is
   * RUNNING, rowsRead and rowsRejected show its progress (updated at least every second, once the
   * file is received and being stored); rowsAccepted and rowsDuplicate stay 0 until it ends, since
   * its rows are stored, or not, all at once.
   */
  rowsRead: Scalars['Int']['output'];
  /** Rows refused, each with a row error (the first maxErrors of them kept). */
  rowsRejected: Scalars['Int']['output'];
  /**
   * The first earlier SUCCEEDED import (not a dry run) of the same file (same sha256) into the same
   * study, among the imports you may read: this file was imported already. Its rows count as
   * duplicates here; nothing is stored twice.
   */
  sameFileAs?: Maybe<VitalsImport>;
  /** SHA-256 of the file as received, 64 lowercase hex digits; null until the whole file has arrived. */
  sha256?: Maybe<Scalars['String']['output']>;
  /** When the upload began. */
  startedAt: Scalars['DateTime']['output'];
  /** Where the import stands; RUNNING until it ends. */
  status: ImportStatus;
  /** The study the file was imported into. */
  study: Study;
  /**
   * The id of the study the file was imported into.
   * @deprecated Use study { id }.
   */
  studyId: Scalars['ID']['output'];
};


/**
 * The report of one CSV import: its options, counts and row errors. Visible to ADMIN, to MONITOR
 * within their studies, and to others for the imports they sent themselves.
 */
export type VitalsImportErrorsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of a study's import reports (Relay cursor connection). */
export type VitalsImportConnection = {
  __typename?: 'VitalsImportConnection';
  /** The reports of this page, newest first. */
  edges: Array<VitalsImportEdge>;
  /** Where this page lies in the list. */
  pageInfo: PageInfo;
  /** How many reports of the study you may read, across all pages. */
  totalCount: Scalars['Int']['output'];
};

/** One import report of a page, with its place in the list. */
export type VitalsImportEdge = {
  __typename?: 'VitalsImportEdge';
  /** Opaque: pass it as after to get the reports that follow this one. */
  cursor: Scalars['String']['output'];
  /** The import report. */
  node: VitalsImport;
};

/** A subject's readings over a window, summarised per measure. Readings without a measure do not count for it. */
export type VitalsSummary = {
  __typename?: 'VitalsSummary';
  /** Readings in the window, whatever measures they have. */
  count: Scalars['Int']['output'];
  /** Diastolic blood pressure, mmHg. */
  diastolic: MeasureSummary;
  /** Start of the window, inclusive. */
  from: Scalars['DateTime']['output'];
  /** Beats per minute. */
  heartRate: MeasureSummary;
  /** Breaths per minute. */
  respiratoryRate: MeasureSummary;
  /** Oxygen saturation, percent. */
  spo2: MeasureSummary;
  /** Systolic blood pressure, mmHg. */
  systolic: MeasureSummary;
  /** Degrees Celsius. */
  temperature: MeasureSummary;
  /** End of the window, inclusive. */
  to: Scalars['DateTime']['output'];
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  Subject: Subject;
  VitalSign: VitalSign;
  VitalsImport: VitalsImport;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Subject:
    ( { __typename: 'Subject' }
    & GraphQLRecursivePick<FederationTypes['Subject'], {"id":true}> );
  VitalSign:
    ( { __typename: 'VitalSign' }
    & GraphQLRecursivePick<FederationTypes['VitalSign'], {"id":true}> );
  VitalsImport:
    ( { __typename: 'VitalsImport' }
    & GraphQLRecursivePick<FederationTypes['VitalsImport'], {"id":true}> );
}>;


/** Mapping of interface types */
export type ResolversInterfaceTypes<_RefType extends Record<string, unknown>> = ResolversObject<{
  Node:
    | ( VitalSignRow )
    | ( VitalsImportRow )
  ;
}>;

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  AuditEvent: ResolverTypeWrapper<AuditEventRow>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  AuditEventConnection: ResolverTypeWrapper<Omit<AuditEventConnection, 'edges'> & { edges: Array<ResolversTypes['AuditEventEdge']> }>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  AuditEventEdge: ResolverTypeWrapper<Omit<AuditEventEdge, 'node'> & { node: ResolversTypes['AuditEvent'] }>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  ImportFailureCode: ImportFailureCode;
  ImportOptionsInput: ImportOptionsInput;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  ImportRowError: ResolverTypeWrapper<VitalsImportErrorRow>;
  ImportRowErrorCode: ImportRowErrorCode;
  ImportRowErrorConnection: ResolverTypeWrapper<Omit<ImportRowErrorConnection, 'edges'> & { edges: Array<ResolversTypes['ImportRowErrorEdge']> }>;
  ImportRowErrorEdge: ResolverTypeWrapper<Omit<ImportRowErrorEdge, 'node'> & { node: ResolversTypes['ImportRowError'] }>;
  ImportStatus: ImportStatus;
  MeasureSummary: ResolverTypeWrapper<MeasureSummary>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Node: ResolverTypeWrapper<ResolversInterfaceTypes<ResolversTypes>['Node']>;
  OnError: OnError;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RecordVitalSignInput: RecordVitalSignInput;
  Study: ResolverTypeWrapper<Study>;
  Subject: ResolverTypeWrapper<SubjectReference>;
  Upload: ResolverTypeWrapper<Scalars['Upload']['output']>;
  VitalSign: ResolverTypeWrapper<VitalSignRow>;
  VitalSignConnection: ResolverTypeWrapper<Omit<VitalSignConnection, 'edges'> & { edges: Array<ResolversTypes['VitalSignEdge']> }>;
  VitalSignEdge: ResolverTypeWrapper<Omit<VitalSignEdge, 'node'> & { node: ResolversTypes['VitalSign'] }>;
  VitalsExport: ResolverTypeWrapper<VitalsExport>;
  VitalsExportFormat: VitalsExportFormat;
  VitalsImport: ResolverTypeWrapper<VitalsImportRow>;
  VitalsImportConnection: ResolverTypeWrapper<Omit<VitalsImportConnection, 'edges'> & { edges: Array<ResolversTypes['VitalsImportEdge']> }>;
  VitalsImportEdge: ResolverTypeWrapper<Omit<VitalsImportEdge, 'node'> & { node: ResolversTypes['VitalsImport'] }>;
  VitalsSummary: ResolverTypeWrapper<VitalsSummary>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AuditEvent: AuditEventRow;
  String: Scalars['String']['output'];
  ID: Scalars['ID']['output'];
  AuditEventConnection: Omit<AuditEventConnection, 'edges'> & { edges: Array<ResolversParentTypes['AuditEventEdge']> };
  Int: Scalars['Int']['output'];
  AuditEventEdge: Omit<AuditEventEdge, 'node'> & { node: ResolversParentTypes['AuditEvent'] };
  DateTime: Scalars['DateTime']['output'];
  ImportOptionsInput: ImportOptionsInput;
  Boolean: Scalars['Boolean']['output'];
  ImportRowError: VitalsImportErrorRow;
  ImportRowErrorConnection: Omit<ImportRowErrorConnection, 'edges'> & { edges: Array<ResolversParentTypes['ImportRowErrorEdge']> };
  ImportRowErrorEdge: Omit<ImportRowErrorEdge, 'node'> & { node: ResolversParentTypes['ImportRowError'] };
  MeasureSummary: MeasureSummary;
  Float: Scalars['Float']['output'];
  Mutation: Record<PropertyKey, never>;
  Node: ResolversInterfaceTypes<ResolversParentTypes>['Node'];
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  RecordVitalSignInput: RecordVitalSignInput;
  Study: Study;
  Subject: SubjectReference;
  Upload: Scalars['Upload']['output'];
  VitalSign: VitalSignRow;
  VitalSignConnection: Omit<VitalSignConnection, 'edges'> & { edges: Array<ResolversParentTypes['VitalSignEdge']> };
  VitalSignEdge: Omit<VitalSignEdge, 'node'> & { node: ResolversParentTypes['VitalSign'] };
  VitalsExport: VitalsExport;
  VitalsImport: VitalsImportRow;
  VitalsImportConnection: Omit<VitalsImportConnection, 'edges'> & { edges: Array<ResolversParentTypes['VitalsImportEdge']> };
  VitalsImportEdge: Omit<VitalsImportEdge, 'node'> & { node: ResolversParentTypes['VitalsImport'] };
  VitalsSummary: VitalsSummary;
}>;

export type AuditEventResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['AuditEvent'] = ResolversParentTypes['AuditEvent']> = ResolversObject<{
  action?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  actor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  entityId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  entityType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  field?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  newValue?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  oldValue?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type AuditEventConnectionResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['AuditEventConnection'] = ResolversParentTypes['AuditEventConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['AuditEventEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type AuditEventEdgeResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['AuditEventEdge'] = ResolversParentTypes['AuditEventEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['AuditEvent'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type ImportRowErrorResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['ImportRowError'] = ResolversParentTypes['ImportRowError']> = ResolversObject<{
  code?: Resolver<ResolversTypes['ImportRowErrorCode'], ParentType, ContextType>;
  column?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  line?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type ImportRowErrorConnectionResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['ImportRowErrorConnection'] = ResolversParentTypes['ImportRowErrorConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['ImportRowErrorEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ImportRowErrorEdgeResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['ImportRowErrorEdge'] = ResolversParentTypes['ImportRowErrorEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['ImportRowError'], ParentType, ContextType>;
}>;

export type MeasureSummaryResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['MeasureSummary'] = ResolversParentTypes['MeasureSummary']> = ResolversObject<{
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  max?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  mean?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  min?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  importVitals?: Resolver<ResolversTypes['VitalsImport'], ParentType, ContextType, RequireFields<MutationImportVitalsArgs, 'file' | 'studyId'>>;
  recordVitalSign?: Resolver<ResolversTypes['VitalSign'], ParentType, ContextType, RequireFields<MutationRecordVitalSignArgs, 'input'>>;
}>;

export type NodeResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['Node'] = ResolversParentTypes['Node']> = ResolversObject<{
  __resolveType: TypeResolveFn<'VitalSign' | 'VitalsImport', ParentType, ContextType>;
}>;

export type PageInfoResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  exportAuditTrail?: Resolver<ResolversTypes['AuditEventConnection'], ParentType, ContextType, RequireFields<QueryExportAuditTrailArgs, 'first' | 'studyId'>>;
  vitalsExport?: Resolver<ResolversTypes['VitalsExport'], ParentType, ContextType, RequireFields<QueryVitalsExportArgs, 'format' | 'studyId'>>;
  vitalsImport?: Resolver<Maybe<ResolversTypes['VitalsImport']>, ParentType, ContextType, RequireFields<QueryVitalsImportArgs, 'id'>>;
  vitalsImports?: Resolver<ResolversTypes['VitalsImportConnection'], ParentType, ContextType, RequireFields<QueryVitalsImportsArgs, 'first' | 'studyId'>>;
}>;

export type StudyResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['Study'] = ResolversParentTypes['Study']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type SubjectResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['Subject'] = ResolversParentTypes['Subject'], FederationReferenceType extends FederationReferenceTypes['Subject'] = FederationReferenceTypes['Subject']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Subject']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  latestVitalSign?: Resolver<Maybe<ResolversTypes['VitalSign']>, ParentType, ContextType>;
  vitals?: Resolver<ResolversTypes['VitalSignConnection'], ParentType, ContextType, RequireFields<SubjectVitalsArgs, 'first'>>;
  vitalsSummary?: Resolver<ResolversTypes['VitalsSummary'], ParentType, ContextType, RequireFields<SubjectVitalsSummaryArgs, 'from' | 'to'>>;
}>;

export interface UploadScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Upload'], any> {
  name: 'Upload';
}

export type VitalSignResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['VitalSign'] = ResolversParentTypes['VitalSign'], FederationReferenceType extends FederationReferenceTypes['VitalSign'] = FederationReferenceTypes['VitalSign']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['VitalSign']> | FederationReferenceType, FederationReferenceType, ContextType>;
  bloodPressure?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  diastolic?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  heartRate?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  import?: Resolver<Maybe<ResolversTypes['VitalsImport']>, ParentType, ContextType>;
  importId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  nodeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  recordedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  respiratoryRate?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  sourceLine?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  spo2?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['Subject'], ParentType, ContextType>;
  systolic?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  temperature?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type VitalSignConnectionResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['VitalSignConnection'] = ResolversParentTypes['VitalSignConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['VitalSignEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type VitalSignEdgeResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['VitalSignEdge'] = ResolversParentTypes['VitalSignEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['VitalSign'], ParentType, ContextType>;
}>;

export type VitalsExportResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['VitalsExport'] = ResolversParentTypes['VitalsExport']> = ResolversObject<{
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  format?: Resolver<ResolversTypes['VitalsExportFormat'], ParentType, ContextType>;
  readings?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type VitalsImportResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['VitalsImport'] = ResolversParentTypes['VitalsImport'], FederationReferenceType extends FederationReferenceTypes['VitalsImport'] = FederationReferenceTypes['VitalsImport']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['VitalsImport']> | FederationReferenceType, FederationReferenceType, ContextType>;
  auditTrail?: Resolver<Maybe<Array<ResolversTypes['AuditEvent']>>, ParentType, ContextType>;
  byteCount?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  bytesRead?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  bytesTotal?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  dryRun?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  durationMs?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  errors?: Resolver<ResolversTypes['ImportRowErrorConnection'], ParentType, ContextType, RequireFields<VitalsImportErrorsArgs, 'first'>>;
  failureCode?: Resolver<Maybe<ResolversTypes['ImportFailureCode']>, ParentType, ContextType>;
  failureReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  fileName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  finishedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  nodeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  onError?: Resolver<ResolversTypes['OnError'], ParentType, ContextType>;
  rowsAccepted?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  rowsDuplicate?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  rowsRead?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  rowsRejected?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sameFileAs?: Resolver<Maybe<ResolversTypes['VitalsImport']>, ParentType, ContextType>;
  sha256?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  startedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ImportStatus'], ParentType, ContextType>;
  study?: Resolver<ResolversTypes['Study'], ParentType, ContextType>;
  studyId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type VitalsImportConnectionResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['VitalsImportConnection'] = ResolversParentTypes['VitalsImportConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['VitalsImportEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type VitalsImportEdgeResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['VitalsImportEdge'] = ResolversParentTypes['VitalsImportEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['VitalsImport'], ParentType, ContextType>;
}>;

export type VitalsSummaryResolvers<ContextType = VitalsContext, ParentType extends ResolversParentTypes['VitalsSummary'] = ResolversParentTypes['VitalsSummary']> = ResolversObject<{
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  diastolic?: Resolver<ResolversTypes['MeasureSummary'], ParentType, ContextType>;
  from?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  heartRate?: Resolver<ResolversTypes['MeasureSummary'], ParentType, ContextType>;
  respiratoryRate?: Resolver<ResolversTypes['MeasureSummary'], ParentType, ContextType>;
  spo2?: Resolver<ResolversTypes['MeasureSummary'], ParentType, ContextType>;
  systolic?: Resolver<ResolversTypes['MeasureSummary'], ParentType, ContextType>;
  temperature?: Resolver<ResolversTypes['MeasureSummary'], ParentType, ContextType>;
  to?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = VitalsContext> = ResolversObject<{
  AuditEvent?: AuditEventResolvers<ContextType>;
  AuditEventConnection?: AuditEventConnectionResolvers<ContextType>;
  AuditEventEdge?: AuditEventEdgeResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  ImportRowError?: ImportRowErrorResolvers<ContextType>;
  ImportRowErrorConnection?: ImportRowErrorConnectionResolvers<ContextType>;
  ImportRowErrorEdge?: ImportRowErrorEdgeResolvers<ContextType>;
  MeasureSummary?: MeasureSummaryResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Node?: NodeResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Study?: StudyResolvers<ContextType>;
  Subject?: SubjectResolvers<ContextType>;
  Upload?: GraphQLScalarType;
  VitalSign?: VitalSignResolvers<ContextType>;
  VitalSignConnection?: VitalSignConnectionResolvers<ContextType>;
  VitalSignEdge?: VitalSignEdgeResolvers<ContextType>;
  VitalsExport?: VitalsExportResolvers<ContextType>;
  VitalsImport?: VitalsImportResolvers<ContextType>;
  VitalsImportConnection?: VitalsImportConnectionResolvers<ContextType>;
  VitalsImportEdge?: VitalsImportEdgeResolvers<ContextType>;
  VitalsSummary?: VitalsSummaryResolvers<ContextType>;
}>;

