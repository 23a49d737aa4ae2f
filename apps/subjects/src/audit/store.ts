import type { SubjectsDatabase } from '../db/client.js';
import { auditEvents, type NewAuditEvent } from '../db/schema.js';

/** Appends audit records; called inside the transaction of the change they describe. */
export async function recordAuditEvents(tx: SubjectsDatabase, events: NewAuditEvent[]): Promise<void> {
  if (events.length > 0) await tx.insert(auditEvents).values(events);
}
