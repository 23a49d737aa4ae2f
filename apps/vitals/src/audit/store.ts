import { asc, eq } from 'drizzle-orm';
import type { VitalsDatabase } from '../db/client.js';
import { auditEvents, type AuditEventRow, type NewAuditEvent, type VitalsImportRow } from '../db/schema.js';

/** What an import's audit record keeps: who sent which file to which study, and how it ended. */
export function importAuditEvent(row: VitalsImportRow, action: 'IMPORT_STARTED' | 'IMPORT_FINISHED', actor: string): NewAuditEvent {
  const { fileName, studyId, status, dryRun, onError, rowsRead, rowsAccepted, rowsRejected, rowsDuplicate, bytesRead, failureReason } = row;
  return {
    actor,
    action,
    entityType: 'VitalsImport',
    entityId: row.id,
    field: 'status',
    newValue: JSON.stringify({ fileName, studyId, status, dryRun, onError, rowsRead, rowsAccepted, rowsRejected, rowsDuplicate, bytesRead }),
    reason: failureReason,
  };
}

export function findAuditEventsOf(db: VitalsDatabase, entityId: string): Promise<AuditEventRow[]> {
  return db.select().from(auditEvents).where(eq(auditEvents.entityId, entityId)).orderBy(asc(auditEvents.id));
}
