import { VITAL_MEASURES, type VitalMeasures } from '@trialgraph/csv';
import { scopeCondition, uuidArray, whereIdIn, type ScopeAreas } from '@trialgraph/database';
import { and, desc, eq, gte, inArray, lt, lte, sql, type Column, type SQL } from 'drizzle-orm';
import type { VitalsDatabase } from '../db/client.js';
import { vitalSignCounts, vitalSigns, type VitalSignRow } from '../db/schema.js';
import { sameStoredReading } from './same-reading.js';
import type { SummaryColumns, SummaryWindow } from './vitals-summary.js';

export interface VitalsWindow {
  from: Date | undefined;
  to: Date | undefined;
  /** Only rows older than this instant: the position of a cursor. */
  before: Date | undefined;
}

/**
 * The per-subject reads below are sent as named statements (drizzle's `prepare`). PostgreSQL plans
 * an unnamed statement on every call, and planning a read of the whole history grows with the months
 * the table is partitioned into (at 46 months: 1.2 ms to plan a page that runs in 0.3 ms). A named
 * one it plans for its values five times, then keeps a generic plan when that is no costlier: it is
 * for the latest reading, a page and the counts; a read of a window or after a cursor stays planned
 * for its values, which leaves out the months it cannot reach before planning them.
 * test/read-plans.int.test.ts holds both, and that a generic plan reads no more rows. postgres.js
 * keys a statement by its text on each connection, so the names given here are only labels.
 */

/** The columns site scope is decided on, in `vital_signs` or in a row source made from it. */
interface ScopedColumns {
  studyId: Column;
  siteId: Column;
}

/** Rows the caller's scope reaches only, applied in SQL like every other filter (on `vital_signs` or a row source made from it). */
function inCallersScope(columns: ScopedColumns, scope: ScopeAreas): SQL | undefined {
  return scopeCondition(scope, { studyId: columns.studyId, siteId: columns.siteId });
}

/**
 * The subjects asked about as a row source `requested(subject_id)`. Each per-subject read joins
 * it LATERAL to a scan of the unique (subject_id, recorded_at) index, so a subject costs its page
 * or its window, not its history.
 */
function requestedSubjects(subjectIds: readonly string[]): SQL {
  return sql`unnest(${uuidArray(subjectIds)}) as requested(subject_id)`;
}
const requestedSubjectId = sql<string>`requested.subject_id`;

function rangeCondition(window: Partial<VitalsWindow>): SQL | undefined {
  return and(
    window.from ? gte(vitalSigns.recordedAt, window.from) : undefined,
    window.to ? lte(vitalSigns.recordedAt, window.to) : undefined,
    window.before ? lt(vitalSigns.recordedAt, window.before) : undefined,
  );
}

/**
 * The row limits the newest-rows statement is written with (the page sizes GraphQL clients are
 * offered, plus the one row that tells whether a next page exists): a read rounds its limit up to
 * the next and drops the extra rows. Written into the text rather than sent as a parameter, because
 * planned without its value `LIMIT $n` is costed as a tenth of a subject's rows and PostgreSQL never
 * found the generic plan cheaper; rounded, so that a connection keeps a few statements whatever page
 * sizes clients ask for, at the cost of a few more index rows per subject for an odd size.
 */
const WRITTEN_LIMITS = [1, 2, 6, 11, 21, 51, 101, 201, 501];

function writtenLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`a row limit must be a whole number, not ${limit}`);
  const written = WRITTEN_LIMITS.find((rung) => rung >= limit) ?? limit;
  // drizzle writes an SQL chunk given as the limit in place (dialect.js buildSelectQuery), where a number becomes a parameter.
  return sql.raw(String(written)) as unknown as number;
}

/**
 * The newest rows of each subject in the window, for all subjects in one statement: per subject a
 * backward scan of the unique index that stops after the written limit.
 *
 * Scope is checked on the rows the scan returns, after the limit: every reading of a subject
 * carries the study and site of that subject (copied at write time; a subject never changes site),
 * so this keeps exactly the rows a filter inside the scan would, and the scan of a subject outside
 * the caller's scope still stops after `limit` rows instead of reading its whole history to find none.
 */
function newestVitalsPerSubjectQuery(db: VitalsDatabase, subjectIds: readonly string[], window: VitalsWindow, limit: number, scope: ScopeAreas) {
  const newest = db
    .select()
    .from(vitalSigns)
    .where(and(eq(vitalSigns.subjectId, requestedSubjectId), rangeCondition(window)))
    .orderBy(desc(vitalSigns.recordedAt))
    .limit(writtenLimit(limit))
    .as('newest');
  return db.select().from(requestedSubjects(subjectIds)).crossJoinLateral(newest).where(inCallersScope(newest, scope));
}

/**
 * The newest `limit` rows of each subject in the window, newest first, by subject id (a subject
 * without any is absent). The statement leaves the order to each subject's index scan and has no
 * ORDER BY of its own, so the order is made certain here, on at most the written limit per subject.
 */
export async function findNewestVitalsPerSubject(
  db: VitalsDatabase,
  subjectIds: readonly string[],
  window: VitalsWindow,
  limit: number,
  scope: ScopeAreas,
): Promise<Map<string, VitalSignRow[]>> {
  const rows = await newestVitalsPerSubjectQuery(db, subjectIds, window, limit, scope).prepare('newest_vitals_per_subject').execute();
  const bySubject = new Map<string, VitalSignRow[]>();
  for (const { newest } of rows) {
    const group = bySubject.get(newest.subjectId);
    if (group) group.push(newest);
    else bySubject.set(newest.subjectId, [newest]);
  }
  for (const group of bySubject.values()) group.sort((a, b) => b.recordedAt.getTime() - a.recordedAt.getTime()).splice(limit);
  return bySubject;
}

/**
 * Readings per subject, in one statement. Without a window it sums the counts the database keeps
 * on every write (`vital_sign_counts`): a few rows per subject, whatever its history (one per write
 * statement since the last compaction). A window is
 * a range the counts cannot answer: it is counted on the unique index, so it costs the readings
 * inside the window (all readings before `to` when only `to` is given).
 */
function countVitalsPerSubjectQuery(db: VitalsDatabase, subjectIds: readonly string[], window: Omit<VitalsWindow, 'before'>, scope: ScopeAreas) {
  if (!window.from && !window.to) {
    return db
      .select({ subjectId: vitalSignCounts.subjectId, total: sql<number>`sum(${vitalSignCounts.readings})`.mapWith(Number) })
      .from(vitalSignCounts)
      .where(and(whereIdIn(vitalSignCounts.subjectId, subjectIds), inCallersScope(vitalSignCounts, scope)))
      .groupBy(vitalSignCounts.subjectId);
  }
  const inWindow = db
    .select({ total: sql<number>`count(*)`.mapWith(Number).as('total') })
    .from(vitalSigns)
    .where(and(eq(vitalSigns.subjectId, requestedSubjectId), rangeCondition(window), inCallersScope(vitalSigns, scope)))
    .as('in_window');
  return db.select({ subjectId: requestedSubjectId, total: inWindow.total }).from(requestedSubjects(subjectIds)).crossJoinLateral(inWindow);
}

export async function countVitalsPerSubject(
  db: VitalsDatabase,
  subjectIds: readonly string[],
  window: Omit<VitalsWindow, 'before'>,
  scope: ScopeAreas,
): Promise<Map<string, number>> {
  const rows = await countVitalsPerSubjectQuery(db, subjectIds, window, scope).prepare('count_vitals_per_subject').execute();
  return new Map(rows.map((row) => [row.subjectId, row.total]));
}

/**
 * Count, minimum, maximum and mean of each measure per subject over a window, in one statement:
 * per subject one aggregate over the window's range of the unique index. Extremes and means go
 * through numeric, so a temperature stored as real 36.6 reads 36.6, not 36.59999847.
 */
function summarizeVitalsPerSubjectQuery(db: VitalsDatabase, subjectIds: readonly string[], window: SummaryWindow, scope: ScopeAreas) {
  const aggregates: Record<string, SQL.Aliased<number | null>> = { readings: sql<number>`count(*)`.mapWith(Number).as('readings') };
  for (const measure of VITAL_MEASURES) {
    const column = vitalSigns[measure];
    aggregates[`${measure}Count`] = sql<number>`count(${column})`.mapWith(Number).as(`${measure}_count`);
    aggregates[`${measure}Min`] = sql<number | null>`min(${column})::numeric::float8`.mapWith(Number).as(`${measure}_min`);
    aggregates[`${measure}Max`] = sql<number | null>`max(${column})::numeric::float8`.mapWith(Number).as(`${measure}_max`);
    aggregates[`${measure}Mean`] = sql<number | null>`avg(${column}::numeric)::float8`.mapWith(Number).as(`${measure}_mean`);
  }
  const inWindow = db
    // Named apart from requested.subject_id, which the outer select would find ambiguous.
    .select({ subjectId: requestedSubjectId.as('summarized_subject_id'), ...aggregates })
    .from(vitalSigns)
    .where(and(eq(vitalSigns.subjectId, requestedSubjectId), rangeCondition(window), inCallersScope(vitalSigns, scope)))
    .as('in_window');
  return db.select().from(requestedSubjects(subjectIds)).crossJoinLateral(inWindow);
}

export async function summarizeVitalsPerSubject(
  db: VitalsDatabase,
  subjectIds: readonly string[],
  window: SummaryWindow,
  scope: ScopeAreas,
): Promise<Map<string, SummaryColumns>> {
  const rows = await summarizeVitalsPerSubjectQuery(db, subjectIds, window, scope).prepare('summarize_vitals_per_subject').execute();
  return new Map(rows.map(({ in_window: { subjectId, ...columns } }) => [subjectId, columns as SummaryColumns]));
}

export function findVitalsByIds(db: VitalsDatabase, ids: readonly number[], scope: ScopeAreas): Promise<VitalSignRow[]> {
  return db
    .select()
    .from(vitalSigns)
    .where(and(inArray(vitalSigns.id, [...ids]), inCallersScope(vitalSigns, scope)));
}

/** The reading stored at (subject, recordedAt), if any, and whether `measures` are the same reading (sameStoredReading). */
export async function findVitalAt(
  db: VitalsDatabase,
  subjectId: string,
  recordedAt: Date,
  measures: VitalMeasures,
): Promise<{ stored: VitalSignRow; same: boolean } | undefined> {
  const [found] = await db
    .select({
      stored: vitalSigns,
      same: sql<boolean>`(${sameStoredReading(
        (measure) => sql`${vitalSigns[measure]}`,
        (measure) => sql`${measures[measure]}`,
      )})`,
    })
    .from(vitalSigns)
    .where(and(inArray(vitalSigns.subjectId, [subjectId]), sql`${vitalSigns.recordedAt} = ${recordedAt.toISOString()}::timestamptz`));
  return found;
}

export type NewVitalSign = Omit<typeof vitalSigns.$inferInsert, 'id'>;

/** Stores one reading unless (subject, recordedAt) is taken; returns undefined when it is. */
export async function insertVitalSignUnlessRecorded(db: VitalsDatabase, vital: NewVitalSign): Promise<VitalSignRow | undefined> {
  const [row] = await db
    .insert(vitalSigns)
    .values(vital)
    .onConflictDoNothing({ target: [vitalSigns.subjectId, vitalSigns.recordedAt] })
    .returning();
  return row;
}
