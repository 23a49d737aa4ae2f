import { checkPageSize, decodeCursor, encodeCursor, isWholeNumberBetween, toConnection, type Connection } from '@trialgraph/graphql-kit';
import { and, asc, count, gt, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The append-only audit table, the same in every subgraph's database: who changed what, when,
 * from which value to which, and why. Each subgraph's migrations create it with triggers that
 * refuse UPDATE, DELETE and TRUNCATE, so the record cannot be rewritten after the fact.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    actor: text().notNull(),
    action: text().notNull(),
    entityType: text().notNull(),
    entityId: text().notNull(),
    field: text(),
    oldValue: text(),
    newValue: text(),
    reason: text(),
  },
  (table) => [index('audit_events_entity_idx').on(table.entityId, table.id)],
);

export type AuditEventRow = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;

/** Appends audit records; called inside the transaction of the change they describe. */
export async function recordAuditEvents(tx: PgDatabase<PgQueryResultHKT, Record<string, unknown>>, events: NewAuditEvent[]): Promise<void> {
  if (events.length > 0) await tx.insert(auditEvents).values(events);
}

const MAX_AUDIT_PAGE_SIZE = 500;
const isEventId = isWholeNumberBetween(0, Number.MAX_SAFE_INTEGER);

/**
 * The audit events matching `which` (one entity's, or a study's exports) as a Relay connection,
 * oldest first: `first` of them (50 unless asked, at most 500) after the event of the cursor
 * `after`, and how many match in all. The caller checks first that the asker may read them.
 */
export async function auditEventConnection(
  db: PgDatabase<PgQueryResultHKT, Record<string, unknown>>,
  which: SQL | undefined,
  page: { first?: number | null; after?: string | null; cursorKind: string },
): Promise<Connection<AuditEventRow>> {
  const first = checkPageSize(page.first, 50, MAX_AUDIT_PAGE_SIZE);
  const afterId = page.after ? decodeCursor(page.cursorKind, page.after, isEventId) : undefined;
  const [rows, [counted]] = await Promise.all([
    db
      .select()
      .from(auditEvents)
      .where(and(which, afterId === undefined ? undefined : gt(auditEvents.id, afterId)))
      .orderBy(asc(auditEvents.id))
      .limit(first + 1),
    db.select({ total: count() }).from(auditEvents).where(which),
  ]);
  return toConnection({
    rows,
    first,
    totalCount: counted?.total ?? 0,
    hasPreviousPage: afterId !== undefined,
    cursorOf: (row) => encodeCursor(page.cursorKind, row.id),
  });
}
