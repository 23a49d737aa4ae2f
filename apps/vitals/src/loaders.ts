import type { RequestAccess } from '@trialgraph/auth';
import { RowBudget, type Connection } from '@trialgraph/graphql-kit';
import DataLoader from 'dataloader';
import type { VitalsDatabase } from './db/client.js';
import type { VitalSignRow, VitalsImportRow } from './db/schema.js';
import { findImportsByIds } from './imports/store.js';
import { vitalsConnection, type VitalsPageArgs } from './vitals/vitals-page.js';
import { countVitalsPerSubject, findLatestVitalPerSubject, findNewestVitalsPerSubject, findVitalsByIds } from './vitals/store.js';

/**
 * The DataLoaders of one request. A page of N subjects asking for their vitals costs the same
 * statements as one subject: one per kind of question, not one per subject.
 */
export function createVitalsLoaders(db: VitalsDatabase, access: RequestAccess, maxRows: number) {
  const vitalsScope = access.scope('readVitals');
  const rows = new RowBudget(maxRows);
  const pagesByArgs = new Map<string, DataLoader<string, Connection<VitalSignRow>>>();
  return {
    latestBySubject: new DataLoader<string, VitalSignRow | undefined>(async (subjectIds) => {
      rows.take(subjectIds.length, 'latestVitalSign');
      const found = await findLatestVitalPerSubject(db, subjectIds, vitalsScope);
      const bySubject = new Map(found.map((row) => [row.subjectId, row]));
      return subjectIds.map((id) => bySubject.get(id));
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
          return subjectIds.map((subjectId) =>
            vitalsConnection(
              page.filter((row) => row.subjectId === subjectId),
              args,
              totals.get(subjectId) ?? 0,
            ),
          );
        });
        pagesByArgs.set(key, loader);
      }
      return loader;
    },
  };
}

export type VitalsLoaders = ReturnType<typeof createVitalsLoaders>;
