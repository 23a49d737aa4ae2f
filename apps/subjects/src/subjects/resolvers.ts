import type { Resolvers } from '../__generated__/resolvers-types.js';
import {
  createSubject,
  getSubject,
  getSubjectByNumber,
  getSubjectsByNumbers,
  listSubjects,
  resolveSubjectReference,
  updateSubject,
  withdrawSubject,
} from './service.js';

export const subjectResolvers: Resolvers = {
  Query: {
    subject: (_parent, { id }, context) => getSubject(context, id),
    subjectByNumber: (_parent, { studyId, subjectNumber }, context) => getSubjectByNumber(context, studyId, subjectNumber),
    subjectsByNumbers: (_parent, { studyId, subjectNumbers }, context) => getSubjectsByNumbers(context, studyId, subjectNumbers),
    subjects: (_parent, args, context) => listSubjects(context, args),
  },
  Mutation: {
    createSubject: (_parent, { input }, context) => createSubject(context, input),
    updateSubject: (_parent, args, context) => updateSubject(context, args),
    withdrawSubject: (_parent, args, context) => withdrawSubject(context, args),
  },
  Subject: {
    __resolveReference: (reference, context) => resolveSubjectReference(context, reference.id),
    study: async (subject, _args, context) => {
      const study = await context.loaders.studyById.load(subject.studyId);
      if (!study) throw new Error(`subject ${subject.id} refers to missing study ${subject.studyId}`);
      return study;
    },
    site: async (subject, _args, context) => {
      const site = await context.loaders.siteById.load(subject.siteId);
      if (!site) throw new Error(`subject ${subject.id} refers to missing site ${subject.siteId}`);
      return site;
    },
  },
};
