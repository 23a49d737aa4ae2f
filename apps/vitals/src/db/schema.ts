import { auditEvents } from '@trialgraph/database';
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';

export const importStatus = pgEnum('import_status', ['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'INTERRUPTED']);
export const onErrorMode = pgEnum('on_error_mode', ['SKIP', 'ABORT']);

/**
 * The large table. Unique per (subject, instant): that key is what makes an import idempotent.
 * study and site are copied from the subjects subgraph at write time, so site scoping needs no
 * call across subgraphs on reads.
 *
 * Range-partitioned by month of `recorded_at` (UTC), which Drizzle cannot declare: migration
 * 0008_partition_vital_signs does, and `ensure_vital_sign_partitions` creates a month before the
 * first write into it (reading-partitions.ts). A partitioned table's unique keys must hold the
 * partition key, so `id` is unique by its sequence and found through a plain index, and the one
 * unique key is (subject_id, recorded_at): leading with subject_id, as a table distributed by
 * subject (Citus) needs.
 */
export const vitalSigns = pgTable(
  'vital_signs',
  {
    id: bigserial({ mode: 'number' }).notNull(),
    subjectId: uuid().notNull(),
    studyId: uuid().notNull(),
    siteId: uuid().notNull(),
    recordedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    heartRate: smallint(),
    systolic: smallint(),
    diastolic: smallint(),
    temperature: real(),
    respiratoryRate: smallint(),
    spo2: smallint(),
    importId: uuid(),
    sourceLine: integer(),
    recordedBy: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('vital_signs_subject_recorded_at_unique').on(table.subjectId, table.recordedAt),
    // VitalSign entities are resolved by id: one probe of this index per partition.
    index('vital_signs_id_idx').on(table.id),
    check(
      'vital_signs_has_measure',
      sql`num_nonnulls(${table.heartRate}, ${table.systolic}, ${table.diastolic}, ${table.temperature}, ${table.respiratoryRate}, ${table.spo2}) > 0`,
    ),
  ],
);

/**
 * How many readings each subject has, kept by triggers on `vital_signs` (migration
 * 0004_vital_sign_counts_triggers) for every way rows arrive: import batches, recordVitalSign,
 * COPY and SQL by hand. `Subject.vitals.totalCount` sums a subject's rows instead of counting a
 * history of millions of readings.
 *
 * Rows are changes, only ever appended by writers (one per write statement and subject), so no
 * writer waits on another; the vitals process folds each subject's rows into one every
 * VITAL_COUNTS_COMPACTION_INTERVAL_MS (`vital-sign-count-compactor.ts`). study and site are those
 * of the readings, so the count obeys site scope.
 */
export const vitalSignCounts = pgTable(
  'vital_sign_counts',
  {
    id: bigserial({ mode: 'number' }).notNull(),
    subjectId: uuid().notNull(),
    studyId: uuid().notNull(),
    siteId: uuid().notNull(),
    readings: bigint({ mode: 'number' }).notNull(),
  },
  // Led by subject_id, so the table can be distributed by subject beside vital_signs (README, Scale-out).
  (table) => [primaryKey({ columns: [table.subjectId, table.id] })],
);

export const vitalsImports = pgTable(
  'vitals_imports',
  {
    id: uuid().primaryKey().defaultRandom(),
    studyId: uuid().notNull(),
    fileName: text().notNull(),
    status: importStatus().notNull().default('RUNNING'),
    onError: onErrorMode().notNull(),
    dryRun: boolean().notNull(),
    options: jsonb().notNull(),
    actor: text().notNull(),
    rowsRead: integer().notNull().default(0),
    rowsAccepted: integer().notNull().default(0),
    rowsRejected: integer().notNull().default(0),
    rowsDuplicate: integer().notNull().default(0),
    bytesRead: bigint({ mode: 'number' }).notNull().default(0),
    /** The file's size as the client declared it (importVitals fileSize), for progress; null when it did not. */
    bytesTotal: bigint({ mode: 'number' }),
    /** SHA-256 of the whole file as received (hex), and its size: set once the last byte is in, null before. */
    sha256: text(),
    byteCount: bigint({ mode: 'number' }),
    failureReason: text(),
    /** Refreshed while the import runs, to show progress; whether it is still alive is told by the row lock its transaction holds. */
    heartbeatAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (table) => [
    index('vitals_imports_study_started_idx').on(table.studyId, table.startedAt),
    // Finds an earlier import of the same file in the study (sameFileAs).
    index('vitals_imports_study_sha256_idx').on(table.studyId, table.sha256),
  ],
);

export const vitalsImportErrors = pgTable(
  'vitals_import_errors',
  {
    id: bigserial({ mode: 'number' }).notNull(),
    importId: uuid()
      .notNull()
      .references(() => vitalsImports.id),
    line: integer().notNull(),
    column: text(),
    value: text(),
    code: text().notNull(),
    message: text().notNull(),
  },
  // Led by import_id, so the table can be distributed by import beside vitals_imports (README, Scale-out).
  (table) => [primaryKey({ columns: [table.importId, table.id] }), index('vitals_import_errors_import_line_idx').on(table.importId, table.line)],
);

export type VitalSignRow = typeof vitalSigns.$inferSelect;
export type VitalSignCountRow = typeof vitalSignCounts.$inferSelect;
export type VitalsImportRow = typeof vitalsImports.$inferSelect;
export type VitalsImportErrorRow = typeof vitalsImportErrors.$inferSelect;

export const vitalsSchema = { vitalSigns, vitalSignCounts, vitalsImports, vitalsImportErrors, auditEvents };
export type VitalsSchema = typeof vitalsSchema;

export { auditEvents, type AuditEventRow, type NewAuditEvent } from '@trialgraph/database';
