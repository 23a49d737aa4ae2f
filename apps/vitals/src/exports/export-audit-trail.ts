import { studyInScope } from '@trialgraph/auth';
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
import type { QueryExportAuditTrailArgs } from '../__generated__/resolvers-types.js';
import { countExportAuditEvents, findExportAuditPage } from '../audit/store.js';
import type { VitalsContext } from '../context.js';
import type { AuditEventRow } from '../db/schema.js';

const CURSOR_KIND = 'export-audit';
const MAX_PAGE_SIZE = 500;
const isEventId = isWholeNumberBetween(0, Number.MAX_SAFE_INTEGER);

/**
 * Who exported a study's readings, and what, for ADMIN and MONITOR within their scope: a study
 * outside it reads as not found, exactly like one that does not exist (as vitalsImports does).
 */
export async function getExportAuditTrail(context: VitalsContext, args: QueryExportAuditTrailArgs): Promise<Connection<AuditEventRow>> {
  const first = checkPageSize(args.first, 50, MAX_PAGE_SIZE);
  const studyId = parseId(args.studyId, 'studyId');
  if (!studyInScope(context.access.scope('readAuditTrail'), studyId)) throw new NotFoundError(`No study with id ${args.studyId}`);
  const afterId = args.after ? decodeCursor(CURSOR_KIND, args.after, isEventId) : undefined;
  const [rows, totalCount] = await Promise.all([
    findExportAuditPage(context.db, studyId, { afterId, limit: first + 1 }),
    countExportAuditEvents(context.db, studyId),
  ]);
  return toConnection({ rows, first, totalCount, hasPreviousPage: afterId !== undefined, cursorOf: (row) => encodeCursor(CURSOR_KIND, row.id) });
}
