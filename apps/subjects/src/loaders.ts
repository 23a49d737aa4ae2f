import DataLoader from 'dataloader';
import type { SubjectsDatabase } from './db/client.js';
import type { SiteRow, StudyRow, SubjectRow } from './db/schema.js';
import { findSitesByIds, findSitesByStudyIds, findStudiesByIds } from './studies/store.js';
import { findSubjectsByIds } from './subjects/store.js';

/** One statement per kind of row per request, however many subjects a page holds. */
export function createSubjectsLoaders(db: SubjectsDatabase) {
  return {
    studyById: new DataLoader<string, StudyRow | undefined>(async (ids) => byKey(ids, await findStudiesByIds(db, ids), (row) => row.id)),
    siteById: new DataLoader<string, SiteRow | undefined>(async (ids) => byKey(ids, await findSitesByIds(db, ids), (row) => row.id)),
    sitesByStudyId: new DataLoader<string, SiteRow[]>(async (studyIds) => {
      const rows = await findSitesByStudyIds(db, studyIds);
      return studyIds.map((studyId) => rows.filter((row) => row.studyId === studyId));
    }),
    subjectById: new DataLoader<string, SubjectRow | undefined>(async (ids) => byKey(ids, await findSubjectsByIds(db, ids), (row) => row.id)),
  };
}

export type SubjectsLoaders = ReturnType<typeof createSubjectsLoaders>;

function byKey<Row>(keys: readonly string[], rows: Row[], keyOf: (row: Row) => string): Array<Row | undefined> {
  const index = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => index.get(key));
}
