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
