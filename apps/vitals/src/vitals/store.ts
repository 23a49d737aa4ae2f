import { scopeCondition, type ScopeAreas } from '@trialgraph/database';
import { and, count, desc, getTableColumns, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { VitalsDatabase } from '../db/client.js';
import { vitalSigns, type VitalSignRow } from '../db/schema.js';

export interface VitalsWindow {
  from: Date | undefined;
  to: Date | undefined;
  /** Only rows older than this instant: the position of a cursor. */
  before: Date | undefined;
}

/** Rows the caller's scope reaches only, applied in SQL like every other filter. */
function inCallersScope(scope: ScopeAreas): SQL | undefined {
  return scopeCondition(scope, { studyId: vitalSigns.studyId, siteId: vitalSigns.siteId });
}

function windowCondition(subjectIds: readonly string[], window: VitalsWindow, scope: ScopeAreas): SQL | undefined {
  return and(
    inArray(vitalSigns.subjectId, [...subjectIds]),
    inCallersScope(scope),
    window.from ? gte(vitalSigns.recordedAt, window.from) : undefined,
    window.to ? lte(vitalSigns.recordedAt, window.to) : undefined,
    window.before ? lt(vitalSigns.recordedAt, window.before) : undefined,
  );
}

/** The newest `limit` rows of each subject, for all subjects in one statement. */
export async function findNewestVitalsPerSubject(
  db: VitalsDatabase,
  subjectIds: readonly string[],
  window: VitalsWindow,
  limit: number,
  scope: ScopeAreas,
): Promise<VitalSignRow[]> {
  const ranked = db
    .select({
      ...getTableColumns(vitalSigns),
      rank: sql<number>`row_number() over (partition by ${vitalSigns.subjectId} order by ${vitalSigns.recordedAt} desc)`.as('rank'),
    })
    .from(vitalSigns)
    .where(windowCondition(subjectIds, window, scope))
    .as('ranked');
  const rows = await db.select().from(ranked).where(lte(ranked.rank, limit)).orderBy(ranked.subjectId, desc(ranked.recordedAt));
  return rows.map(({ rank: _rank, ...row }) => row as VitalSignRow);
}

export async function countVitalsPerSubject(
  db: VitalsDatabase,
  subjectIds: readonly string[],
  window: Omit<VitalsWindow, 'before'>,
  scope: ScopeAreas,
): Promise<Map<string, number>> {
  const rows = await db
    .select({ subjectId: vitalSigns.subjectId, total: count() })
    .from(vitalSigns)
    .where(windowCondition(subjectIds, { ...window, before: undefined }, scope))
    .groupBy(vitalSigns.subjectId);
  return new Map(rows.map((row) => [row.subjectId, row.total]));
}

export function findLatestVitalPerSubject(db: VitalsDatabase, subjectIds: readonly string[], scope: ScopeAreas): Promise<VitalSignRow[]> {
  return db
    .selectDistinctOn([vitalSigns.subjectId])
    .from(vitalSigns)
    .where(and(inArray(vitalSigns.subjectId, [...subjectIds]), inCallersScope(scope)))
    .orderBy(vitalSigns.subjectId, desc(vitalSigns.recordedAt));
}

export function findVitalsByIds(db: VitalsDatabase, ids: readonly number[], scope: ScopeAreas): Promise<VitalSignRow[]> {
  return db.select().from(vitalSigns).where(and(inArray(vitalSigns.id, [...ids]), inCallersScope(scope)));
}

export async function findVitalAt(db: VitalsDatabase, subjectId: string, recordedAt: Date): Promise<VitalSignRow | undefined> {
  const [row] = await db
    .select()
    .from(vitalSigns)
    .where(and(inArray(vitalSigns.subjectId, [subjectId]), sql`${vitalSigns.recordedAt} = ${recordedAt.toISOString()}::timestamptz`));
  return row;
}

export type NewVitalSign = Omit<typeof vitalSigns.$inferInsert, 'id'>;

/** Stores one reading unless (subject, recordedAt) is taken; returns undefined when it is. */
export async function insertVitalSignUnlessRecorded(db: VitalsDatabase, vital: NewVitalSign): Promise<VitalSignRow | undefined> {
  const [row] = await db.insert(vitalSigns).values(vital).onConflictDoNothing({ target: [vitalSigns.subjectId, vitalSigns.recordedAt] }).returning();
  return row;
}
