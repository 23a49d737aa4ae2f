import type { Resolvers } from '../__generated__/resolvers-types.js';
import { getAuditTrail } from './service.js';

export const auditResolvers: Resolvers = {
  Query: {
    auditTrail: (_parent, args, context) => getAuditTrail(context, args),
  },
  AuditEvent: {
    entityId: (event) => event.entityId,
  },
};
