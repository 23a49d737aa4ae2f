import { studyInScope } from '@trialgraph/auth';
import { auditEventConnection } from '@trialgraph/database';
import { NotFoundError, parseId, type Connection } from '@trialgraph/graphql-kit';
import type { QueryExportAuditTrailArgs } from '../__generated__/resolvers-types.js';
import { exportsOfStudy } from '../audit/store.js';
import type { VitalsContext } from '../context.js';
import type { AuditEventRow } from '../db/schema.js';

/**
 * Who exported a study's readings, and what, for ADMIN and MONITOR within their scope: a study
 * outside it reads as not found, exactly like one that does not exist (as vitalsImports does).
 */
export async function getExportAuditTrail(context: VitalsContext, args: QueryExportAuditTrailArgs): Promise<Connection<AuditEventRow>> {
  const studyId = parseId(args.studyId, 'studyId');
  if (!studyInScope(context.access.scope('readAuditTrail'), studyId)) throw new NotFoundError(`No study with id ${args.studyId}`);
  return auditEventConnection(context.db, exportsOfStudy(studyId), { first: args.first, after: args.after, cursorKind: 'export-audit' });
}
