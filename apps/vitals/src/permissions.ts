import { hasRole, type Role } from '@trialgraph/auth';
import { ForbiddenError } from '@trialgraph/graphql-kit';
import { allow, deny, rule, shield } from 'graphql-shield';
import type { VitalsContext } from './context.js';

/**
 * Who may call what in this subgraph. Deny is the default: a field added to the SDL stays
 * closed until a rule here opens it. Which rows a permitted caller sees is decided in the
 * queries (site and study scope), not here.
 */
const roles = (name: string, allowed: readonly Role[], refusal: string) =>
  rule(name, { cache: 'contextual' })((_parent, _args, context: VitalsContext) =>
    hasRole(context.identity, ...allowed) ? true : new ForbiddenError(refusal),
  );

const isSignedIn = rule('isSignedIn', { cache: 'contextual' })((_parent, _args, context: VitalsContext) => context.identity !== undefined);
const readsVitals = roles('readsVitals', ['ADMIN', 'INVESTIGATOR', 'COORDINATOR', 'MONITOR'], 'your role may not read vital signs');
const recordsVitals = roles('recordsVitals', ['ADMIN', 'INVESTIGATOR', 'COORDINATOR'], 'your role may not record vital signs');
const importsVitals = roles('importsVitals', ['ADMIN', 'COORDINATOR', 'PARTNER'], 'your role may not import vital signs');
const readsAudit = roles('readsAudit', ['ADMIN', 'MONITOR'], 'only ADMIN and MONITOR may read the audit trail');
const readsImports = roles(
  'readsImports',
  ['ADMIN', 'INVESTIGATOR', 'COORDINATOR', 'MONITOR', 'PARTNER'],
  'your role may not read import reports',
);

export const vitalsPermissions = shield(
  {
    Query: {
      vitalsImport: readsImports,
      vitalsImports: readsImports,
      // Federation: the gateway's entity lookups; each entity's fields carry their own rules.
      _entities: isSignedIn,
      _service: isSignedIn,
    },
    Mutation: {
      importVitals: importsVitals,
      recordVitalSign: recordsVitals,
    },
    Subject: { id: allow, vitals: readsVitals, latestVitalSign: readsVitals },
    VitalSign: readsVitals,
    VitalSignConnection: allow,
    VitalSignEdge: allow,
    PageInfo: allow,
    VitalsImport: { '*': readsImports, auditTrail: readsAudit },
    AuditEvent: allow,
    ImportRowError: allow,
    _Service: allow,
  },
  {
    fallbackRule: deny,
    fallbackError: () => new ForbiddenError('you may not read this field'),
    // Our resolvers' own errors (NOT_FOUND, CONFLICT…) must reach the client as they are.
    allowExternalErrors: true,
  },
);
