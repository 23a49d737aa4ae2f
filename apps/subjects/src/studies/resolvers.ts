import { isUuid } from '@trialgraph/graphql-kit';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { listStudies } from './store.js';
import { createStudy, getStudy } from './service.js';

export const studyResolvers: Resolvers = {
  Query: {
    studies: (_parent, _args, context) => listStudies(context.db),
    study: (_parent, { id }, context) => getStudy(context, id),
  },
  Mutation: {
    createStudy: (_parent, { input }, context) => createStudy(context, input),
  },
  Study: {
    __resolveReference: async (reference, context) =>
      isUuid(reference.id) ? ((await context.loaders.studyById.load(reference.id.toLowerCase())) ?? null) : null,
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
