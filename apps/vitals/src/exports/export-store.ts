import { scopeCondition, type ScopeAreas } from '@trialgraph/database';
import { and, asc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { VitalsDatabase } from '../db/client.js';
import { vitalSigns } from '../db/schema.js';

/** Which readings an export holds: a study's, or one subject's, within the caller's scope and an optional window. */
export interface ExportSelection {
  studyId: string;
  subjectId: string | undefined;
  from: Date | undefined;
  to: Date | undefined;
  scope: ScopeAreas;
}

/** One stored reading as an export writes it; temperature as the exact decimal text, not a float. */
export interface ExportReading {
  id: number;
  subjectId: string;
  recordedAt: Date;
  heartRate: number | null;
  systolic: number | null;
  diastolic: number | null;
  temperature: string | null;
  respiratoryRate: number | null;
  spo2: number | null;
}

/** Where the previous page ended, in the order of the unique (subject_id, recorded_at) index. */
export interface ExportPosition {
  subjectId: string;
  recordedAt: Date;
}

function selectionCondition(selection: ExportSelection): SQL | undefined {
  return and(
    eq(vitalSigns.studyId, selection.studyId),
    selection.subjectId ? eq(vitalSigns.subjectId, selection.subjectId) : undefined,
    selection.from ? gte(vitalSigns.recordedAt, selection.from) : undefined,
    selection.to ? lte(vitalSigns.recordedAt, selection.to) : undefined,
    scopeCondition(selection.scope, { studyId: vitalSigns.studyId, siteId: vitalSigns.siteId }),
  );
}

/** Readings the export would hold, counted before it starts, so one over MAX_EXPORT_READINGS is refused with a status instead of cut short mid-stream. */
export async function countExportReadings(db: VitalsDatabase, selection: ExportSelection): Promise<number> {
  const [row] = await db
    .select({ readings: sql<number>`count(*)`.mapWith(Number) })
    .from(vitalSigns)
    .where(selectionCondition(selection));
  return row?.readings ?? 0;
}

/**
 * The next `limit` readings after `after`, in (subject, time) order: a keyset page on the unique
 * index, each its own short statement. A server-side cursor would hold a connection (and a
 * transaction, under statement and idle-in-transaction timeouts) for as long as the slowest client
 * takes to download; pages hold one only while a page is read. Readings are append-only, so pages
 * never skip or repeat a row; one stored during the export after its position is included.
 * Temperature goes through numeric, so a real 36.6 is written 36.6, not 36.59999847.
 *
 * A page is only cheap read in the index's order. Without statistics (a table just filled by an
 * import, before autoanalyze) or with a study filter the planner misjudges, PostgreSQL read each
 * page by scanning every reading and sorting them (measured: 0.67 s a page on 1 M readings, so an
 * export of n readings cost n²); sorting is turned off for the page's own short transaction so the
 * only plan left is the ordered index scan, which stops after the page (0.12 s, flat in n).
 */
export function readExportPage(db: VitalsDatabase, selection: ExportSelection, after: ExportPosition | undefined, limit: number): Promise<ExportReading[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_sort = off`);
    return readPage(tx, selection, after, limit);
  });
}

function readPage(db: Pick<VitalsDatabase, 'select'>, selection: ExportSelection, after: ExportPosition | undefined, limit: number): Promise<ExportReading[]> {
  return db
    .select({
      id: vitalSigns.id,
      subjectId: vitalSigns.subjectId,
      recordedAt: vitalSigns.recordedAt,
      heartRate: vitalSigns.heartRate,
      systolic: vitalSigns.systolic,
      diastolic: vitalSigns.diastolic,
      temperature: sql<string | null>`${vitalSigns.temperature}::numeric::text`,
      respiratoryRate: vitalSigns.respiratoryRate,
      spo2: vitalSigns.spo2,
    })
    .from(vitalSigns)
    .where(
      and(
        selectionCondition(selection),
        after
          ? sql`(${vitalSigns.subjectId}, ${vitalSigns.recordedAt}) > (${after.subjectId}::uuid, ${after.recordedAt.toISOString()}::timestamptz)`
          : undefined,
      ),
    )
    .orderBy(asc(vitalSigns.subjectId), asc(vitalSigns.recordedAt))
    .limit(limit);
}
