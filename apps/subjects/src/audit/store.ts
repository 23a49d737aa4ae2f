import { and, asc, count, eq, gt } from 'drizzle-orm';
import type { SubjectsDatabase } from '../db/client.js';
import { auditEvents, type AuditEventRow } from '../db/schema.js';

/** Events of one entity in the order they happened, after the event id `afterId`. */
export function findAuditEventPage(db: SubjectsDatabase, entityId: string, page: { afterId: number | undefined; limit: number }): Promise<AuditEventRow[]> {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityId, entityId), page.afterId === undefined ? undefined : gt(auditEvents.id, page.afterId)))
    .orderBy(asc(auditEvents.id))
    .limit(page.limit);
}

export async function countAuditEvents(db: SubjectsDatabase, entityId: string): Promise<number> {
  const [row] = await db.select({ total: count() }).from(auditEvents).where(eq(auditEvents.entityId, entityId));
  return row?.total ?? 0;
}
