import type { RequestAccess } from '@trialgraph/auth';
import { RowBudget, type Connection } from '@trialgraph/graphql-kit';
import DataLoader from 'dataloader';
import type { VitalsSummary } from './__generated__/resolvers-types.js';
import type { VitalsDatabase } from './db/client.js';
import type { VitalSignRow, VitalsImportRow } from './db/schema.js';
import { findEarlierImportsOfFiles, findImportsByIds } from './imports/store.js';
import { vitalsConnection, type VitalsPageArgs } from './vitals/vitals-page.js';
import { countVitalsPerSubject, findNewestVitalsPerSubject, findVitalsByIds, summarizeVitalsPerSubject } from './vitals/store.js';
import { emptySummary, toVitalsSummary, type SummaryWindow } from './vitals/vitals-summary.js';

/**
 * The DataLoaders of one request. A page of N subjects asking for their vitals costs the same
 * statements as one subject: one per kind of question, not one per subject.
 */
export function createVitalsLoaders(db: VitalsDatabase, access: RequestAccess, maxRows: number) {
  const vitalsScope = access.scope('readVitals');
  const rows = new RowBudget(maxRows);
  const pagesByArgs = new Map<string, DataLoader<string, Connection<VitalSignRow>>>();
  const summariesByWindow = new Map<string, DataLoader<string, VitalsSummary>>();
  return {
    latestBySubject: new DataLoader<string, VitalSignRow | undefined>(async (subjectIds) => {
      rows.take(subjectIds.length, 'latestVitalSign');
      const newest = await findNewestVitalsPerSubject(db, subjectIds, { from: undefined, to: undefined, before: undefined }, 1, vitalsScope);
      return subjectIds.map((id) => newest.get(id)?.[0]);
    }),
    vitalById: new DataLoader<number, VitalSignRow | undefined>(async (ids) => {
      rows.take(ids.length, 'VitalSign');
      const found = await findVitalsByIds(db, ids, vitalsScope);
      const byId = new Map(found.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id));
    }),
    importById: new DataLoader<string, VitalsImportRow | undefined>(async (ids) => {
      rows.take(ids.length, 'VitalsImport');
      const found = await findImportsByIds(db, ids, access.scope('readImportReports'));
      const byId = new Map(found.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id));
    }),
    /** By import id: the first import of the same file in its study (sameFileAs), for a page of reports in one statement. */
    sameFileImport: new DataLoader<string, VitalsImportRow | undefined>(async (importIds) => {
      rows.take(importIds.length, 'VitalsImport.sameFileAs');
      const found = await findEarlierImportsOfFiles(db, importIds, access.scope('readImportReports'));
      return importIds.map((id) => found.get(id));
    }),
    /** Subjects asked with the same arguments share one loader, so one statement pair. */
    vitalsPage(args: VitalsPageArgs): DataLoader<string, Connection<VitalSignRow>> {
      const key = JSON.stringify(args);
      let loader = pagesByArgs.get(key);
      if (!loader) {
        loader = new DataLoader(async (subjectIds) => {
          rows.take(subjectIds.length * (args.first + 1), `vitals(first: ${args.first}) of ${subjectIds.length} subjects`);
          const window = { from: args.from, to: args.to, before: args.before };
          const [page, totals] = await Promise.all([
            findNewestVitalsPerSubject(db, subjectIds, window, args.first + 1, vitalsScope),
            countVitalsPerSubject(db, subjectIds, window, vitalsScope),
          ]);
          return subjectIds.map((subjectId) => vitalsConnection(page.get(subjectId) ?? [], args, totals.get(subjectId) ?? 0));
        });
        pagesByArgs.set(key, loader);
      }
      return loader;
    },
    /** Subjects summarised over the same window share one loader, so one statement. */
    vitalsSummary(window: SummaryWindow): DataLoader<string, VitalsSummary> {
      const key = JSON.stringify(window);
      let loader = summariesByWindow.get(key);
      if (!loader) {
        loader = new DataLoader(async (subjectIds) => {
          rows.take(subjectIds.length, 'vitalsSummary');
          const summaries = await summarizeVitalsPerSubject(db, subjectIds, window, vitalsScope);
          return subjectIds.map((subjectId) => {
            const columns = summaries.get(subjectId);
            return columns ? toVitalsSummary(window, columns) : emptySummary(window);
          });
        });
        summariesByWindow.set(key, loader);
      }
      return loader;
    },
  };
}

export type VitalsLoaders = ReturnType<typeof createVitalsLoaders>;
