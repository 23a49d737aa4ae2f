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
    __resolveReference: async (reference, context) => {
      const id = Number(reference.id);
      return Number.isSafeInteger(id) ? ((await context.loaders.vitalById.load(id)) ?? null) : null;
    },
    id: (vital) => String(vital.id),
    subject: (vital) => ({ id: vital.subjectId }),
    bloodPressure: (vital) => (vital.systolic !== null && vital.diastolic !== null ? `${vital.systolic}/${vital.diastolic}` : null),
  },
};
