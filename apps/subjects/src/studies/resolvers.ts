import type { Resolvers } from '../__generated__/resolvers-types.js';
import { createStudy, getStudy, listVisibleStudies, resolveStudyReference } from './service.js';

export const studyResolvers: Resolvers = {
  Query: {
    studies: (_parent, args, context) => listVisibleStudies(context, args.first),
    study: (_parent, { id }, context) => getStudy(context, id),
  },
  Mutation: {
    createStudy: (_parent, { input }, context) => createStudy(context, input),
  },
  Study: {
    __resolveReference: (reference, context) => resolveStudyReference(context, reference.id),
    sites: (study, _args, context) => context.loaders.sitesByStudyId.load(study.id),
  },
  Site: {
    study: async (site, _args, context) => {
      const study = await context.loaders.studyById.load(site.studyId);
      if (!study) throw new Error(`site ${site.id} refers to missing study ${site.studyId}`);
      return study;
    },
  },
};
