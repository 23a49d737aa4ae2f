import { NotFoundError, toNodeId } from '@trialgraph/graphql-kit';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { findAuditEventsOf } from '../audit/store.js';
import { failureCodeOf } from './import-end.js';
import { findSameFileImport, getImport, importVitals, listImportErrors, listImports } from './service.js';
import { importDurationMs } from './store.js';

export const importResolvers: Resolvers = {
  AuditEvent: {
    entityId: (event) => event.entityId,
  },
  Query: {
    vitalsImport: (_parent, { id }, context) => getImport(context, id),
    vitalsImports: (_parent, args, context) => listImports(context, args),
  },
  Mutation: {
    importVitals: (_parent, args, context) => importVitals(context, args),
  },
  VitalsImport: {
    // Reached through node(id:) only: an import the caller may not read is NOT_FOUND, as there.
    __resolveReference: async (reference, context) => {
      const found = await getImport(context, reference.id);
      if (!found) throw new NotFoundError(`No import with id ${reference.id}`);
      return found;
    },
    nodeId: (row) => toNodeId('VitalsImport', row.id),
    study: (row) => ({ id: row.studyId }),
    durationMs: (row) => importDurationMs(row),
    failureCode: (row) => failureCodeOf(row.status, row.failureReason),
    errors: (row, args, context) => listImportErrors(context, row, args),
    sameFileAs: (row, _args, context) => findSameFileImport(context, row),
    auditTrail: (row, _args, context) => findAuditEventsOf(context.db, row.id),
  },
};
