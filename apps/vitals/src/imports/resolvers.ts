import type { Resolvers } from '../__generated__/resolvers-types.js';
import { findAuditEventsOf } from '../audit/store.js';
import { findSameFileImport, getImport, importVitals, listImportErrors, listImports } from './service.js';
import { importDurationMs } from './store.js';

export const importResolvers: Resolvers = {
  AuditEvent: {
    entityId: (event) => event.entityId,
  },
  Query: {
    vitalsImport: (_parent, { id }, context) => getImport(context, id),
    vitalsImports: (_parent, { studyId, first }, context) => listImports(context, studyId, first),
  },
  Mutation: {
    importVitals: (_parent, args, context) => importVitals(context, args),
  },
  VitalsImport: {
    __resolveReference: (reference, context) => getImport(context, reference.id),
    durationMs: (row) => importDurationMs(row),
    errors: (row, args, context) => listImportErrors(context, row, args),
    sameFileAs: (row, _args, context) => findSameFileImport(context, row),
    auditTrail: (row, _args, context) => findAuditEventsOf(context.db, row.id),
  },
};
