import { toNodeId } from '@trialgraph/graphql-kit';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { findNode, resolveSiteReference } from './service.js';

/** Relay's `node(id:)` and the global id of every type; the ids of vitals' types are made the same way there. */
export const nodeResolvers: Resolvers = {
  Query: {
    node: (_parent, { id }, context) => findNode(context, id) as never,
  },
  Node: {
    __resolveType: (node) => (node as unknown as { __typename: 'Study' | 'Site' | 'Subject' | 'VitalSign' | 'VitalsImport' }).__typename,
  },
  Study: { nodeId: (study) => toNodeId('Study', study.id) },
  Site: {
    __resolveReference: (reference, context) => resolveSiteReference(context, reference.id),
    nodeId: (site) => toNodeId('Site', site.id),
  },
  Subject: { nodeId: (subject) => toNodeId('Subject', subject.id) },
  VitalSign: { nodeId: (vital) => toNodeId('VitalSign', vital.id) },
  VitalsImport: { nodeId: (report) => toNodeId('VitalsImport', report.id) },
};
