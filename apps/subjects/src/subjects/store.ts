import { scopeCondition, type ScopeAreas } from '@trialgraph/database';
import { and, asc, count, eq, gt, inArray, max, type SQL } from 'drizzle-orm';
import type { SubjectStatus } from '../__generated__/resolvers-types.js';
import type { SubjectsDatabase } from '../db/client.js';
import { subjects, type SubjectRow } from '../db/schema.js';

export function findSubjectsByIds(db: SubjectsDatabase, ids: readonly string[]): Promise<SubjectRow[]> {
  return db
    .select()
    .from(subjects)
    .where(inArray(subjects.id, [...ids]));
}

/** The subjects a caller's scope (of the right the query exercises) reaches, in SQL. */
const inCallersScope = (scope: ScopeAreas) => scopeCondition(scope, { studyId: subjects.studyId, siteId: subjects.siteId });

export async function findSubjectByNumber(db: SubjectsDatabase, studyId: string, subjectNumber: string, scope: ScopeAreas): Promise<SubjectRow | undefined> {
  const [row] = await db
    .select()
    .from(subjects)
    .where(and(eq(subjects.studyId, studyId), eq(subjects.subjectNumber, subjectNumber), inCallersScope(scope)));
  return row;
}

export function findSubjectsByNumbers(db: SubjectsDatabase, studyId: string, subjectNumbers: readonly string[], scope: ScopeAreas): Promise<SubjectRow[]> {
  return db
    .select()
    .from(subjects)
    .where(and(eq(subjects.studyId, studyId), inArray(subjects.subjectNumber, [...subjectNumbers]), inCallersScope(scope)));
}

export interface SubjectFilter {
  studyId: string;
  scope: ScopeAreas;
  siteId?: string | undefined;
  status?: SubjectStatus | undefined;
}

function filterCondition(filter: SubjectFilter): SQL | undefined {
  return and(
    eq(subjects.studyId, filter.studyId),
    inCallersScope(filter.scope),
    filter.siteId ? eq(subjects.siteId, filter.siteId) : undefined,
    filter.status ? eq(subjects.status, filter.status) : undefined,
  );
}

/** One page in enrolment order, after the given sequence; `limit` includes the look-ahead row. */
export function findSubjectPage(
  db: SubjectsDatabase,
  filter: SubjectFilter,
  page: { afterSequence: number | undefined; limit: number },
): Promise<SubjectRow[]> {
  return db
    .select()
    .from(subjects)
    .where(and(filterCondition(filter), page.afterSequence === undefined ? undefined : gt(subjects.sequence, page.afterSequence)))
    .orderBy(asc(subjects.sequence))
    .limit(page.limit);
}

export async function countSubjects(db: SubjectsDatabase, filter: SubjectFilter): Promise<number> {
  const [row] = await db.select({ total: count() }).from(subjects).where(filterCondition(filter));
  return row?.total ?? 0;
}

export async function nextSequence(tx: SubjectsDatabase, studyId: string): Promise<number> {
  const [row] = await tx
    .select({ last: max(subjects.sequence) })
    .from(subjects)
    .where(eq(subjects.studyId, studyId));
  return (row?.last ?? 0) + 1;
}

export async function insertSubject(tx: SubjectsDatabase, values: typeof subjects.$inferInsert): Promise<SubjectRow> {
  const [row] = await tx.insert(subjects).values(values).returning();
  if (!row) throw new Error('insert into subjects returned no row');
  return row;
}

/** Locks the row for the rest of the transaction, so the version check and the update see the same state. */
export async function findSubjectForUpdate(tx: SubjectsDatabase, id: string): Promise<SubjectRow | undefined> {
  const [row] = await tx.select().from(subjects).where(eq(subjects.id, id)).for('update');
  return row;
}

export async function updateSubjectRow(
  tx: SubjectsDatabase,
  id: string,
  changes: Partial<Pick<SubjectRow, 'name' | 'age' | 'sex' | 'status'>>,
  nextVersion: number,
): Promise<SubjectRow> {
  const [row] = await tx
    .update(subjects)
    .set({ ...changes, version: nextVersion, updatedAt: new Date() })
    .where(eq(subjects.id, id))
    .returning();
  if (!row) throw new Error(`update of subject ${id} returned no row`);
  return row;
}
