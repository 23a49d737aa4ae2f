import { and, asc, desc, eq, gt, inArray, lt } from 'drizzle-orm';
import type { VitalsDatabase } from '../db/client.js';
import { vitalsImportErrors, vitalsImports, type VitalsImportErrorRow, type VitalsImportRow } from '../db/schema.js';
import type { ValidImportOptions } from './import-options.js';

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

export async function insertImport(
  db: VitalsDatabase,
  values: { studyId: string; fileName: string; options: ValidImportOptions; actor: string },
): Promise<VitalsImportRow> {
  const [row] = await db
    .insert(vitalsImports)
    .values({
      studyId: values.studyId,
      fileName: values.fileName,
      onError: values.options.onError,
      dryRun: values.options.dryRun,
      options: values.options,
      actor: values.actor,
    })
    .returning();
  if (!row) throw new Error('insert into vitals_imports returned no row');
  return row;
}

/** Ends an import once: a RUNNING import only, so a late heartbeat or a second stop cannot rewrite it. */
export async function finishImport(
  db: VitalsDatabase,
  id: string,
  outcome: { status: VitalsImportRow['status']; counts: ImportCounts; failureReason?: string | null },
): Promise<VitalsImportRow | undefined> {
  const [row] = await db
    .update(vitalsImports)
    .set({ ...outcome.counts, status: outcome.status, failureReason: outcome.failureReason ?? null, finishedAt: new Date() })
    .where(and(eq(vitalsImports.id, id), eq(vitalsImports.status, 'RUNNING')))
    .returning();
  return row;
}

export async function recordProgress(db: VitalsDatabase, id: string, counts: Pick<ImportCounts, 'bytesRead'>): Promise<void> {
  await db
    .update(vitalsImports)
    .set({ bytesRead: counts.bytesRead, heartbeatAt: new Date() })
    .where(and(eq(vitalsImports.id, id), eq(vitalsImports.status, 'RUNNING')));
}

export async function insertImportErrors(db: VitalsDatabase, importId: string, errors: readonly RowErrorRecord[]): Promise<void> {
  // Chunks keep each statement well below the bind-parameter limit.
  for (let start = 0; start < errors.length; start += 5_000) {
    await db.insert(vitalsImportErrors).values(errors.slice(start, start + 5_000).map((error) => ({ importId, ...error })));
  }
}

/**
 * Imports whose process died: RUNNING with a heartbeat older than `staleAfterMs`. Their rows
 * were never committed (an import stores all its rows in one transaction), so marking them
 * INTERRUPTED is the whole repair; sending the file again completes the import.
 */
export async function markStaleImportsInterrupted(db: VitalsDatabase, staleAfterMs: number): Promise<string[]> {
  const rows = await db
    .update(vitalsImports)
    .set({
      status: 'INTERRUPTED',
      finishedAt: new Date(),
      failureReason: 'the process stopped before the import finished; no row of it was stored: upload the file again',
    })
    .where(and(eq(vitalsImports.status, 'RUNNING'), lt(vitalsImports.heartbeatAt, new Date(Date.now() - staleAfterMs))))
    .returning({ id: vitalsImports.id });
  return rows.map((row) => row.id);
}

export function findImportsByIds(db: VitalsDatabase, ids: readonly string[]): Promise<VitalsImportRow[]> {
  return db.select().from(vitalsImports).where(inArray(vitalsImports.id, [...ids]));
}

export function findImportsOfStudy(db: VitalsDatabase, studyId: string, limit: number): Promise<VitalsImportRow[]> {
  return db
    .select()
    .from(vitalsImports)
    .where(eq(vitalsImports.studyId, studyId))
    .orderBy(desc(vitalsImports.startedAt), desc(vitalsImports.id))
    .limit(limit);
}

export function findImportErrors(
  db: VitalsDatabase,
  importId: string,
  page: { afterLine: number | undefined; limit: number },
): Promise<VitalsImportErrorRow[]> {
  return db
    .select()
    .from(vitalsImportErrors)
    .where(and(eq(vitalsImportErrors.importId, importId), page.afterLine === undefined ? undefined : gt(vitalsImportErrors.line, page.afterLine)))
    .orderBy(asc(vitalsImportErrors.line), asc(vitalsImportErrors.id))
    .limit(page.limit);
}

export const importDurationMs = (row: VitalsImportRow): number | null =>
  row.finishedAt ? row.finishedAt.getTime() - row.startedAt.getTime() : null;

