import { hasRole, type Role } from '@trialgraph/auth';
import { ForbiddenError } from '@trialgraph/graphql-kit';
import { allow, deny, rule, shield } from 'graphql-shield';
import type { SubjectsContext } from './context.js';

/**
 * Who may call what in this subgraph. Deny is the default: a field added to the SDL stays
 * closed until a rule here opens it. Which rows a permitted caller sees is decided in the
 * queries (site and study scope), not here.
 */
const roles = (name: string, allowed: readonly Role[], refusal: string) =>
  rule(name, { cache: 'contextual' })((_parent, _args, context: SubjectsContext) =>
    hasRole(context.identity, ...allowed) ? true : new ForbiddenError(refusal),
  );

const isSignedIn = rule('isSignedIn', { cache: 'contextual' })((_parent, _args, context: SubjectsContext) => context.identity !== undefined);
const readsSubjects = roles('readsSubjects', ['ADMIN', 'INVESTIGATOR', 'COORDINATOR', 'MONITOR'], 'your role may not read subjects');
/** Imports resolve subject numbers with the importer's token, so partners need this one lookup. */
const resolvesSubjectNumbers = roles(
  'resolvesSubjectNumbers',
  ['ADMIN', 'INVESTIGATOR', 'COORDINATOR', 'MONITOR', 'PARTNER'],
  'your role may not look up subjects',
);
const changesSubjects = roles('changesSubjects', ['ADMIN', 'INVESTIGATOR', 'COORDINATOR'], 'your role may not enrol or change subjects');
const seesPii = roles('seesPii', ['ADMIN', 'INVESTIGATOR', 'COORDINATOR', 'MONITOR'], 'your role may not see personal data');
const readsAudit = roles('readsAudit', ['ADMIN', 'MONITOR'], 'only ADMIN and MONITOR may read the audit trail');
const administers = roles('administers', ['ADMIN'], 'only ADMIN may do this');

export const subjectsPermissions = shield(
  {
    Query: {
      studies: isSignedIn,
      study: isSignedIn,
      subject: readsSubjects,
      subjectByNumber: readsSubjects,
      subjectsByNumbers: resolvesSubjectNumbers,
      subjects: readsSubjects,
      auditTrail: readsAudit,
      // Federation: the gateway's entity lookups; each entity's __resolveReference applies the scope.
      _entities: isSignedIn,
      _service: isSignedIn,
    },
    Mutation: {
      createStudy: administers,
      createSubject: changesSubjects,
      updateSubject: changesSubjects,
      withdrawSubject: changesSubjects,
    },
    Subject: { '*': allow, name: seesPii },
    Study: allow,
    Site: allow,
    SubjectConnection: allow,
    SubjectEdge: allow,
    PageInfo: allow,
    AuditEvent: allow,
    AuditEventConnection: allow,
    AuditEventEdge: allow,
    _Service: allow,
  },
  {
    fallbackRule: deny,
    fallbackError: () => new ForbiddenError('you may not read this field'),
    // Our resolvers' own errors (NOT_FOUND, CONFLICT…) must reach the client as they are.
    allowExternalErrors: true,
  },
);
