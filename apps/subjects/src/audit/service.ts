import { inScope, studyInScope } from '@trialgraph/auth';
import {
  checkPageSize,
  decodeCursor,
  encodeCursor,
  isWholeNumberBetween,
  NotFoundError,
  parseId,
  toConnection,
  type Connection,
} from '@trialgraph/graphql-kit';
import type { QueryAuditTrailArgs } from '../__generated__/resolvers-types.js';
import type { SubjectsContext } from '../context.js';
import type { AuditEventRow } from '../db/schema.js';
import { countAuditEvents, findAuditEventPage } from './store.js';

const CURSOR_KIND = 'audit';
const MAX_PAGE_SIZE = 500;
const isEventId = isWholeNumberBetween(0, Number.MAX_SAFE_INTEGER);

/**
 * The audit trail of a study or a subject, for users whose scope covers that entity. An
 * entity outside the scope reads as not found, exactly like one that does not exist.
 */
export async function getAuditTrail(context: SubjectsContext, args: QueryAuditTrailArgs): Promise<Connection<AuditEventRow>> {
  const first = checkPageSize(args.first, 50, MAX_PAGE_SIZE);
  const entityId = parseId(args.entityId, 'entityId');
  if (!(await entityInScope(context, entityId))) throw new NotFoundError(`No study or subject with id ${args.entityId}`);
  const afterId = args.after ? decodeCursor(CURSOR_KIND, args.after, isEventId) : undefined;
  const [rows, totalCount] = await Promise.all([
    findAuditEventPage(context.db, entityId, { afterId, limit: first + 1 }),
    countAuditEvents(context.db, entityId),
  ]);
  return toConnection({ rows, first, totalCount, hasPreviousPage: afterId !== undefined, cursorOf: (row) => encodeCursor(CURSOR_KIND, row.id) });
}

async function entityInScope(context: SubjectsContext, entityId: string): Promise<boolean> {
  const [subject, study] = await Promise.all([context.loaders.subjectById.load(entityId), context.loaders.studyById.load(entityId)]);
  const scope = context.access.scope('readAuditTrail');
  if (subject) return inScope(scope, subject);
  if (study) return studyInScope(scope, study.id);
  return false;
}
