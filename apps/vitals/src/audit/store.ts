import { asc, eq } from 'drizzle-orm';
import type { VitalsDatabase } from '../db/client.js';
import { auditEvents, type AuditEventRow, type NewAuditEvent, type VitalsImportRow } from '../db/schema.js';

/** What an import's audit record keeps: who sent which file (by name, SHA-256 and size) to which study, and how it ended. */
export function importAuditEvent(row: VitalsImportRow, action: 'IMPORT_STARTED' | 'IMPORT_FINISHED', actor: string): NewAuditEvent {
  const { fileName, studyId, status, dryRun, onError, rowsRead, rowsAccepted, rowsRejected, rowsDuplicate, bytesRead, sha256, byteCount, failureReason } = row;
  return {
    actor,
    action,
    entityType: 'VitalsImport',
    entityId: row.id,
    field: 'status',
    // sha256 and byteCount say which file this was (null in IMPORT_STARTED: the file is still to come).
    newValue: JSON.stringify({ fileName, studyId, status, dryRun, onError, rowsRead, rowsAccepted, rowsRejected, rowsDuplicate, bytesRead, sha256, byteCount }),
    reason: failureReason,
  };
}

export function findAuditEventsOf(db: VitalsDatabase, entityId: string): Promise<AuditEventRow[]> {
  return db.select().from(auditEvents).where(eq(auditEvents.entityId, entityId)).orderBy(asc(auditEvents.id));
}
