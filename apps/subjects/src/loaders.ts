import { RowBudget } from '@trialgraph/graphql-kit';
import DataLoader from 'dataloader';
import type { SubjectsDatabase } from './db/client.js';
import type { SiteRow, StudyRow, SubjectRow } from './db/schema.js';
import { findSitesByIds, findSitesByStudyIds, findStudiesByIds } from './studies/store.js';
import { findSubjectsByIds } from './subjects/store.js';

/**
 * One statement per kind of row per request, however many subjects a page holds; each takes
 * its rows from the request's MAX_ROWS_PER_REQUEST budget before it runs.
 */
export function createSubjectsLoaders(db: SubjectsDatabase, maxRows: number) {
  const budget = new RowBudget(maxRows);
  return {
    studyById: new DataLoader<string, StudyRow | undefined>(async (ids) => {
      budget.take(ids.length, 'Study');
      return byKey(ids, await findStudiesByIds(db, ids), (row) => row.id);
    }),
    siteById: new DataLoader<string, SiteRow | undefined>(async (ids) => {
      budget.take(ids.length, 'Site');
      return byKey(ids, await findSitesByIds(db, ids), (row) => row.id);
    }),
    sitesByStudyId: new DataLoader<string, SiteRow[]>(async (studyIds) => {
      // A study's sites are few; counted as one row per study, the most a statement can know before it runs.
      budget.take(studyIds.length, 'Study.sites');
      const rows = await findSitesByStudyIds(db, studyIds);
      return studyIds.map((studyId) => rows.filter((row) => row.studyId === studyId));
    }),
    subjectById: new DataLoader<string, SubjectRow | undefined>(async (ids) => {
      budget.take(ids.length, 'Subject');
      return byKey(ids, await findSubjectsByIds(db, ids), (row) => row.id);
    }),
  };
}

export type SubjectsLoaders = ReturnType<typeof createSubjectsLoaders>;

function byKey<Row>(keys: readonly string[], rows: Row[], keyOf: (row: Row) => string): Array<Row | undefined> {
  const index = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => index.get(key));
}
