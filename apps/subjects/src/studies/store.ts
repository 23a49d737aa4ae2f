import { scopeCondition, type ScopeAreas } from '@trialgraph/database';
import { asc, inArray } from 'drizzle-orm';
import type { SubjectsDatabase } from '../db/client.js';
import { sites, studies, type SiteRow, type StudyRow } from '../db/schema.js';

/** The studies a scope reaches, at most `limit` of them. */
export function listStudies(db: SubjectsDatabase, scope: ScopeAreas, limit: number): Promise<StudyRow[]> {
  return db
    .select()
    .from(studies)
    .where(scopeCondition(scope, { studyId: studies.id }))
    .orderBy(asc(studies.code))
    .limit(limit);
}

export function findStudiesByIds(db: SubjectsDatabase, ids: readonly string[]): Promise<StudyRow[]> {
  return db
    .select()
    .from(studies)
    .where(inArray(studies.id, [...ids]));
}

export function findSitesByIds(db: SubjectsDatabase, ids: readonly string[]): Promise<SiteRow[]> {
  return db
    .select()
    .from(sites)
    .where(inArray(sites.id, [...ids]));
}

export function findSitesByStudyIds(db: SubjectsDatabase, studyIds: readonly string[]): Promise<SiteRow[]> {
  return db
    .select()
    .from(sites)
    .where(inArray(sites.studyId, [...studyIds]))
    .orderBy(asc(sites.code));
}

export async function insertStudyWithSites(
  tx: SubjectsDatabase,
  study: { code: string; name: string; sites: Array<{ code: string; name: string }> },
): Promise<{ study: StudyRow; sites: SiteRow[] }> {
  const [row] = await tx.insert(studies).values({ code: study.code, name: study.name }).returning();
  if (!row) throw new Error('insert into studies returned no row');
  const siteRows = await tx
    .insert(sites)
    .values(study.sites.map((site) => ({ studyId: row.id, code: site.code, name: site.name })))
    .returning();
  return { study: row, sites: siteRows };
}
