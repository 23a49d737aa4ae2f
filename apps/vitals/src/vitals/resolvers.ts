import { NotFoundError, toNodeId } from '@trialgraph/graphql-kit';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { recordVitalSign } from './service.js';
import { toVitalsPageArgs } from './vitals-page.js';
import { toSummaryWindow } from './vitals-summary.js';

export const vitalsResolvers: Resolvers = {
  Mutation: {
    recordVitalSign: (_parent, { input }, context) => recordVitalSign(context, input),
  },
  Subject: {
    __resolveReference: (reference) => ({ id: reference.id }),
    vitals: (subject, args, context) => context.loaders.vitalsPage(toVitalsPageArgs(args)).load(subject.id),
    latestVitalSign: async (subject, _args, context) => (await context.loaders.latestBySubject.load(subject.id)) ?? null,
    vitalsSummary: (subject, args, context) => context.loaders.vitalsSummary(toSummaryWindow(args)).load(subject.id),
  },
  VitalSign: {
    // Reached through node(id:) only: a reading the caller may not read is NOT_FOUND, as elsewhere.
    __resolveReference: async (reference, context) => {
      const id = Number(reference.id);
      const found = Number.isSafeInteger(id) ? await context.loaders.vitalById.load(id) : undefined;
      if (!found) throw new NotFoundError(`No vital sign with id ${reference.id}`);
      return found;
    },
    id: (vital) => String(vital.id),
    nodeId: (vital) => toNodeId('VitalSign', vital.id),
    // Through the loader that applies the caller's scope: a report they may not read stays hidden.
    import: async (vital, _args, context) => (vital.importId ? ((await context.loaders.importById.load(vital.importId)) ?? null) : null),
    subject: (vital) => ({ id: vital.subjectId }),
    bloodPressure: (vital) => (vital.systolic !== null && vital.diastolic !== null ? `${vital.systolic}/${vital.diastolic}` : null),
  },
};
