import type { Resolvers } from '../__generated__/resolvers-types.js';
import { getImport, importVitals, listImportErrors, listImports } from './service.js';
import { importDurationMs } from './store.js';

export const importResolvers: Resolvers = {
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
  },
};
