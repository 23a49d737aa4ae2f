import { inScope, studyInScope } from '@trialgraph/auth';
import { auditEventConnection } from '@trialgraph/database';
import { NotFoundError, parseId, type Connection } from '@trialgraph/graphql-kit';
import { eq } from 'drizzle-orm';
import type { QueryAuditTrailArgs } from '../__generated__/resolvers-types.js';
import type { SubjectsContext } from '../context.js';
import { auditEvents, type AuditEventRow } from '../db/schema.js';

/**
 * The audit trail of a study or a subject, for users whose scope covers that entity. An
 * entity outside the scope reads as not found, exactly like one that does not exist.
 */
export async function getAuditTrail(context: SubjectsContext, args: QueryAuditTrailArgs): Promise<Connection<AuditEventRow>> {
  const entityId = parseId(args.entityId, 'entityId');
  if (!(await entityInScope(context, entityId))) throw new NotFoundError(`No study or subject with id ${args.entityId}`);
  return auditEventConnection(context.db, eq(auditEvents.entityId, entityId), { first: args.first, after: args.after, cursorKind: 'audit' });
}

async function entityInScope(context: SubjectsContext, entityId: string): Promise<boolean> {
  const [subject, study] = await Promise.all([context.loaders.subjectById.load(entityId), context.loaders.studyById.load(entityId)]);
  const scope = context.access.scope('readAuditTrail');
  if (subject) return inScope(scope, subject);
  if (study) return studyInScope(scope, study.id);
  return false;
}
