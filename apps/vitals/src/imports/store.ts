import { recordAuditEvents, rowsOf, scopeCondition, type ScopeAreas } from '@trialgraph/database';
import { and, asc, count, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { VitalsDatabase } from '../db/client.js';
import { vitalsImportErrors, vitalsImports, type VitalsImportErrorRow, type VitalsImportRow } from '../db/schema.js';
import { importAuditEvent } from '../audit/store.js';
import { claimHeld } from './import-claims.js';
import type { ImportErrorPosition, ImportPosition } from './import-pages.js';
import type { ImportProgress } from './import-progress.js';
import type { ValidImportOptions } from './import-options.js';
import { toArrayLiteral } from './pg-array.js';
import type { ReceivedFile } from './receive-upload.js';

export interface ImportCounts {
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsDuplicate: number;
  bytesRead: number;
}

export interface RowErrorRecord {
  line: number;
  column: string | null;
  value: string | null;
  code: string;
  message: string;
}

/** Records a new import as RUNNING, with its IMPORT_STARTED event; undefined when the id is taken. */
export async function insertImport(
  db: VitalsDatabase,
  values: { id: string; studyId: string; fileName: string; options: ValidImportOptions; bytesTotal: number | null; actor: string },
): Promise<VitalsImportRow | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(vitalsImports)
      .values({
        id: values.id,
        studyId: values.studyId,
        fileName: values.fileName,
        onError: values.options.onError,
        dryRun: values.options.dryRun,
        options: values.options,
        bytesTotal: values.bytesTotal,
        actor: values.actor,
      })
      // A client may choose the id: one used before leaves the earlier import as it is.
      .onConflictDoNothing({ target: vitalsImports.id })
      .returning();
    if (!row) return undefined;
    await recordAuditEvents(tx, [importAuditEvent(row, 'IMPORT_STARTED', values.actor)]);
    return row;
  });
}

/**
 * Ends an import once, with its kept row errors, in one transaction: a RUNNING import only, so
 * a late heartbeat or a second stop cannot rewrite it, and its errors are written only by the
 * ending that wins.
 */
export async function finishImport(
  db: VitalsDatabase,
  id: string,
  outcome: {
    status: VitalsImportRow['status'];
    counts: ImportCounts;
    /** The file, when it was received whole. */
    file: ReceivedFile | null;
    failureReason?: string | null;
    errors: readonly RowErrorRecord[];
  },
): Promise<VitalsImportRow | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(vitalsImports)
      .set({
        ...outcome.counts,
        ...provenanceOf(outcome.file),
        status: outcome.status,
        failureReason: outcome.failureReason ?? null,
        finishedAt: new Date(),
      })
      .where(and(eq(vitalsImports.id, id), eq(vitalsImports.status, 'RUNNING')))
      .returning();
    if (!row) return undefined;
    await insertImportErrors(tx, id, outcome.errors);
    await recordAuditEvents(tx, [importAuditEvent(row, 'IMPORT_FINISHED', row.actor)]);
    return row;
  });
}

/**
 * Shows a running import's progress on its row. Rows accepted and duplicate stay 0 until the
 * end: they are stored, or not, when the import's transaction commits.
 */
export async function recordProgress(db: VitalsDatabase, id: string, progress: ImportProgress): Promise<void> {
  const { bytesRead, rowsRead, rowsRejected } = progress.counts;
  await db
    .update(vitalsImports)
    .set({ bytesRead, rowsRead, rowsRejected, ...provenanceOf(progress.file), heartbeatAt: new Date() })
    .where(and(eq(vitalsImports.id, id), eq(vitalsImports.status, 'RUNNING')));
}

const provenanceOf = (file: ReceivedFile | null) => (file ? { sha256: file.sha256, byteCount: file.byteCount } : {});

async function insertImportErrors(db: VitalsDatabase, importId: string, errors: readonly RowErrorRecord[]): Promise<void> {
  // Chunks keep each statement well below the bind-parameter limit.
  for (let start = 0; start < errors.length; start += 5_000) {
    await db.insert(vitalsImportErrors).values(errors.slice(start, start + 5_000).map((error) => ({ importId, ...error })));
  }
}

/**
 * Taken by an import's own transaction as its first statement: a KEY SHARE lock on its row,
 * held until the transaction ends, which also keeps sweepers of earlier versions (that know
 * only row locks) away while it stores. Returns false when the import is no longer RUNNING (a
 * sweeper gave it up), in which case the import must store nothing.
 */
export async function claimRunningImport(tx: VitalsDatabase, id: string): Promise<boolean> {
  const rows = rowsOf<{ status: string }>(await tx.execute(sql`select status from vitals_imports where id = ${id}::uuid for key share`));
  return rows[0]?.status === 'RUNNING';
}

/**
 * Imports whose process died: RUNNING, but nobody holds their claim any more (see
 * import-claims.ts), so PostgreSQL itself says their process is gone, on this instance or any
 * other, however recently it died. Their rows were never committed (an import stores all its
 * rows in one transaction), so marking them INTERRUPTED is the whole repair; sending the file
 * again completes the import. `spare` are the imports this process runs: never given up, even
 * in the moments after a database restart before their claims are taken again.
 */
export async function markDeadImportsInterrupted(db: VitalsDatabase, spare: readonly string[]): Promise<string[]> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      with marked as (
        update vitals_imports
        set status = 'INTERRUPTED', finished_at = now(),
            failure_reason = 'the process stopped before the import finished; no row of it was stored: upload the file again'
        where status = 'RUNNING' and id in (
          select i.id from vitals_imports i
          where i.status = 'RUNNING' and not (i.id = any(${toArrayLiteral(spare)}::uuid[])) and not ${claimHeld(sql`i.id`)}
          for update skip locked)
        returning id, file_name, study_id, failure_reason, sha256, byte_count)
      insert into audit_events (actor, action, entity_type, entity_id, field, new_value, reason)
      select 'system', 'IMPORT_FINISHED', 'VitalsImport', id::text, 'status',
             json_build_object('fileName', file_name, 'studyId', study_id, 'status', 'INTERRUPTED',
                               'sha256', sha256, 'byteCount', byte_count)::text, failure_reason
      from marked
      returning entity_id as id`),
  );
  return rows.map((row) => row.id);
}

/** Import reports the caller's scope reaches: of their studies, or only those they sent (`actor`). */
const reportsInScope = (scope: ScopeAreas) => scopeCondition(scope, { studyId: vitalsImports.studyId, sentBy: vitalsImports.actor });

export function findImportsByIds(db: VitalsDatabase, ids: readonly string[], scope: ScopeAreas): Promise<VitalsImportRow[]> {
  return db
    .select()
    .from(vitalsImports)
    .where(and(inArray(vitalsImports.id, [...ids]), reportsInScope(scope)));
}

/** A page of a study's import reports in the caller's scope, newest first, resuming after `after`. */
export function findImportPage(
  db: VitalsDatabase,
  studyId: string,
  page: { after: ImportPosition | undefined; limit: number },
  scope: ScopeAreas,
): Promise<VitalsImportRow[]> {
  // Cursors carry milliseconds (a JavaScript Date); compared at the column's microseconds, a
  // report started in the same millisecond as the cursor's would be skipped or repeated.
  const startedMs = sql`date_trunc('milliseconds', ${vitalsImports.startedAt})`;
  const after = page.after;
  return db
    .select()
    .from(vitalsImports)
    .where(
      and(
        eq(vitalsImports.studyId, studyId),
        reportsInScope(scope),
        after ? sql`(${startedMs}, ${vitalsImports.id}) < (${after.startedAt}::timestamptz, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(startedMs), desc(vitalsImports.id))
    .limit(page.limit);
}

/**
 * For each of these imports, the first import that stored its file in its study: SUCCEEDED, not
 * a dry run, started before it, with the same SHA-256, among the reports the caller may read.
 * One statement for a page of reports; an import without an earlier one is absent from the map.
 */
export async function findEarlierImportsOfFiles(db: VitalsDatabase, importIds: readonly string[], scope: ScopeAreas): Promise<Map<string, VitalsImportRow>> {
  const later = alias(vitalsImports, 'later');
  const found = await db
    .selectDistinctOn([later.id], { laterId: later.id, earlier: vitalsImports })
    .from(later)
    .innerJoin(
      vitalsImports,
      and(
        eq(vitalsImports.studyId, later.studyId),
        eq(vitalsImports.sha256, later.sha256),
        eq(vitalsImports.status, 'SUCCEEDED'),
        eq(vitalsImports.dryRun, false),
        lt(vitalsImports.startedAt, later.startedAt),
        reportsInScope(scope),
      ),
    )
    .where(inArray(later.id, [...importIds]))
    .orderBy(later.id, asc(vitalsImports.startedAt), asc(vitalsImports.id));
  return new Map(found.map((row) => [row.laterId, row.earlier]));
}

export async function countImportsOfStudy(db: VitalsDatabase, studyId: string, scope: ScopeAreas): Promise<number> {
  const [row] = await db
    .select({ count: count() })
    .from(vitalsImports)
    .where(and(eq(vitalsImports.studyId, studyId), reportsInScope(scope)));
  return row?.count ?? 0;
}

/** A page of an import's kept row errors in line order, resuming after `after`. */
export function findImportErrorPage(
  db: VitalsDatabase,
  importId: string,
  page: { after: ImportErrorPosition | undefined; limit: number },
): Promise<VitalsImportErrorRow[]> {
  const after = page.after;
  return db
    .select()
    .from(vitalsImportErrors)
    .where(
      and(
        eq(vitalsImportErrors.importId, importId),
        after ? sql`(${vitalsImportErrors.line}, ${vitalsImportErrors.id}) > (${after.line}, ${after.id})` : undefined,
      ),
    )
    .orderBy(asc(vitalsImportErrors.line), asc(vitalsImportErrors.id))
    .limit(page.limit);
}

export async function countImportErrors(db: VitalsDatabase, importId: string): Promise<number> {
  const [row] = await db.select({ count: count() }).from(vitalsImportErrors).where(eq(vitalsImportErrors.importId, importId));
  return row?.count ?? 0;
}

export const importDurationMs = (row: VitalsImportRow): number | null => (row.finishedAt ? row.finishedAt.getTime() - row.startedAt.getTime() : null);
